package io.jenkins.plugins.immutable.registry;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.image.Descriptor;
import io.jenkins.plugins.immutable.image.Digest;
import io.jenkins.plugins.immutable.image.MediaTypes;
import io.jenkins.plugins.immutable.image.Repository;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.After;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.Timeout;

/**
 * Every wait on a registry is bounded: a server that accepts a request and says nothing, sends an answer a byte at a
 * time, stops in the middle of one, or redirects in a loop. The servers are {@link RawServer}s and
 * {@link LoopbackHttp}s on loopback; the client's read timeout is 1 s and its document timeout 2 s, so each case
 * takes seconds where the defaults (60 s, 2 min) would take minutes, and where there were no bounds, forever.
 */
public class TransportTimeoutTest {

    /** Without the bounds these tests would wait for minutes or for good; 30 s fails them instead. */
    @Rule
    public final Timeout limit = Timeout.seconds(30);

    private final List<AutoCloseable> servers = new ArrayList<>();

    @After
    public void stop() throws Exception {
        for (AutoCloseable s : servers) {
            s.close();
        }
    }

    private RawServer raw(RawServer.Conversation c) throws Exception {
        return raw(c, 0);
    }

    private RawServer raw(RawServer.Conversation c, int receiveBuffer) throws Exception {
        RawServer s = new RawServer(c, receiveBuffer);
        servers.add(s);
        return s;
    }

    private static RegistryClient client() {
        return RegistryClient.builder().readTimeout(Duration.ofSeconds(1)).documentTimeout(Duration.ofSeconds(2))
                .retries(3, Duration.ofMillis(10)).build();
    }

    private static Repository repo(String registry) {
        return new Repository(registry, "team/app");
    }

    private static byte[] random(int size) {
        byte[] b = new byte[size];
        new Random(size).nextBytes(b);
        return b;
    }

    private static long seconds(long sinceNanos) {
        return (System.nanoTime() - sinceNanos) / 1_000_000_000L;
    }

    @Test
    public void aRegistryThatAcceptsAndSaysNothingIsAnOutageAfterTheReadTimeoutTriedOnce() throws Exception {
        RawServer silent = raw((request, in, out) -> false);
        long start = System.nanoTime();
        EngineException e = assertThrows(EngineException.class, () -> client().getManifest(
                repo(silent.address()).tag("v1")));
        assertEquals(EngineException.Kind.OUTAGE, e.kind());
        assertEquals("registry " + silent.address() + " sent nothing for 1 s when asked to get manifest "
                + silent.address() + "/team/app:v1; it accepted the request but did not answer: check the registry,"
                + " or raise the read timeout", e.getMessage());
        assertTrue("took " + seconds(start) + " s", seconds(start) < 5);
        assertEquals("a silence is not retried", 1, silent.requests.size());

        // A blob, which has no overall limit, had no bound at all.
        Digest digest = Digest.sha256(new byte[] {1});
        EngineException blob = assertThrows(EngineException.class, () -> client().openBlob(repo(silent.address()),
                digest));
        assertTrue(blob.getMessage(), blob.getMessage().startsWith("registry " + silent.address() + " sent nothing"
                + " for 1 s when asked to get blob " + digest));
    }

    @Test
    public void aManifestTrickledAByteAtATimeIsCutAtTheReadTimeout() throws Exception {
        byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",\"config\":{},"
                + "\"layers\":[]," + "\"annotations\":{\"pad\":\"" + "x".repeat(1000) + "\"}}")
                .getBytes(StandardCharsets.UTF_8);
        RawServer trickle = raw((request, in, out) -> {
            RawServer.head(out, 200, "Content-Type: " + MediaTypes.OCI_MANIFEST, "Content-Length: "
                    + manifest.length);
            RawServer.trickle(out, manifest, 1, 50);
            return true;
        });
        long start = System.nanoTime();
        EngineException e = assertThrows(EngineException.class, () -> client().getManifest(
                repo(trickle.address()).tag("v1")));
        assertEquals(EngineException.Kind.OUTAGE, e.kind());
        assertTrue(e.getMessage(), e.getMessage().startsWith("registry " + trickle.address() + " sent only "));
        assertTrue(e.getMessage(), e.getMessage().contains(" bytes in 1 s, fewer than 1024, in its answer to get"
                + " manifest " + trickle.address() + "/team/app:v1 ("));
        assertTrue(e.getMessage(), e.getMessage().endsWith("; check the registry and the network to it, or raise the"
                + " read timeout"));
        assertTrue("took " + seconds(start) + " s", seconds(start) < 5);
    }

    @Test
    public void aManifestThatKeepsAboveTheLowSpeedIsStillCutAtTheDocumentTimeout() throws Exception {
        byte[] big = random(1_000_000);
        RawServer slow = raw((request, in, out) -> {
            RawServer.head(out, 200, "Content-Type: " + MediaTypes.OCI_MANIFEST, "Content-Length: " + big.length);
            RawServer.trickle(out, big, 2048, 100); // 20 KiB/s: never stalled, 50 s for the whole
            return true;
        });
        long start = System.nanoTime();
        EngineException e = assertThrows(EngineException.class, () -> client().getManifest(
                repo(slow.address()).tag("v1")));
        assertEquals(EngineException.Kind.OUTAGE, e.kind());
        assertTrue(e.getMessage(), e.getMessage().startsWith("registry " + slow.address() + " took more than 2 s to"
                + " send its answer to get manifest " + slow.address() + "/team/app:v1 ("));
        assertTrue(e.getMessage(), e.getMessage().endsWith(" bytes so far); an answer this small takes seconds: check"
                + " the registry, or raise the document timeout"));
        assertTrue("took " + seconds(start) + " s", seconds(start) < 6);
    }

    @Test
    public void aBlobTrickledAByteAtATimeIsCutAtTheReadTimeout() throws Exception {
        byte[] blob = random(1000);
        Descriptor d = Descriptor.of(MediaTypes.OCTET_STREAM, blob);
        RawServer trickle = raw((request, in, out) -> {
            RawServer.head(out, 200, "Content-Length: " + blob.length);
            RawServer.trickle(out, blob, 1, 100);
            return true;
        });
        long start = System.nanoTime();
        try (InputStream in = client().openBlob(repo(trickle.address()), d)) {
            EngineException e = assertThrows(EngineException.class, in::readAllBytes);
            assertEquals(EngineException.Kind.OUTAGE, e.kind());
            assertTrue(e.getMessage(), e.getMessage().startsWith("registry " + trickle.address() + " sent only "));
            assertTrue(e.getMessage(), e.getMessage().contains(" in its answer to get blob " + d.digest()));
        }
        assertTrue("took " + seconds(start) + " s", seconds(start) < 5);
    }

    @Test
    public void aBlobThatStopsInTheMiddleIsCutAtTheReadTimeout() throws Exception {
        byte[] blob = random(10_000);
        Descriptor d = Descriptor.of(MediaTypes.OCTET_STREAM, blob);
        RawServer stops = raw((request, in, out) -> {
            RawServer.head(out, 200, "Content-Length: " + blob.length);
            out.write(blob, 0, 4096);
            out.flush();
            return false;
        });
        try (InputStream in = client().openBlob(repo(stops.address()), d)) {
            EngineException e = assertThrows(EngineException.class, in::readAllBytes);
            assertTrue(e.getMessage(), e.getMessage().contains(" in its answer to get blob " + d.digest() + " from "
                    + stops.address() + "/team/app (4096 bytes so far)"));
        }
    }

    @Test
    public void aBlobThatMovesSteadilyIsNotCutHoweverLongItTakes() throws Exception {
        byte[] blob = random(12 * 1024);
        Descriptor d = Descriptor.of(MediaTypes.OCTET_STREAM, blob);
        RawServer steady = raw((request, in, out) -> {
            RawServer.head(out, 200, "Content-Length: " + blob.length);
            RawServer.trickle(out, blob, 2048, 400); // 2.4 s: longer than both timeouts, 5 KiB/s
            return true;
        });
        try (InputStream in = client().openBlob(repo(steady.address()), d)) {
            assertArrayEquals(blob, in.readAllBytes());
        }
    }

    /** A registry for monolithic pushes: HEAD says absent, POST opens an upload, PUT is {@code put}'s. */
    private RawServer pushTarget(RawServer.Conversation put) throws Exception {
        return raw((request, in, out) -> {
            switch (request.method()) {
                case "HEAD" -> RawServer.head(out, 404, "Content-Length: 0");
                case "POST" -> {
                    RawServer.skip(in, request.contentLength());
                    RawServer.head(out, 202, "Location: /upload/1", "Content-Length: 0");
                }
                default -> {
                    return put.talk(request, in, out);
                }
            }
            return true;
        }, 16 * 1024);
    }

    @Test
    public void anUploadTheRegistryTakesInSlowlyButSteadilyIsNotCut() throws Exception {
        // Larger than what the client's socket buffers take in at once on loopback (up to 4 MiB here), so the client
        // sees the server's pace for seconds, longer than the read timeout.
        byte[] blob = random(24 * 1024 * 1024);
        RawServer target = pushTarget((request, in, out) -> {
            long left = request.contentLength();
            byte[] buffer = new byte[256 * 1024];
            while (left > 0) {
                Thread.sleep(32); // about 8 MiB/s: 3 s for the whole
                left -= in.readNBytes(buffer, 0, (int) Math.min(buffer.length, left));
            }
            RawServer.head(out, 201, "Content-Length: 0");
            return true;
        });
        long start = System.nanoTime();
        Descriptor d = client().pushBlob(repo(target.address()), blob);
        assertEquals(Digest.sha256(blob), d.digest());
        assertTrue("the upload took " + seconds(start) + " s, more than the read timeout", seconds(start) >= 2);
    }

    @Test
    public void aRegistryThatTakesAnUploadAndSaysNothingIsCut() throws Exception {
        byte[] blob = random(100);
        RawServer target = pushTarget((request, in, out) -> {
            RawServer.skip(in, request.contentLength());
            return false;
        });
        EngineException e = assertThrows(EngineException.class, () -> client().pushBlob(repo(target.address()), blob));
        assertEquals(EngineException.Kind.OUTAGE, e.kind());
        assertTrue(e.getMessage(), e.getMessage().startsWith("registry " + target.address() + " sent nothing for 1 s"
                + " when asked to push blob " + Digest.sha256(blob).shortForm() + " to " + target.address()
                + "/team/app (after taking in all 100 bytes)"));
    }

    @Test
    public void aSilentTokenServiceIsCutToo() throws Exception {
        RawServer silent = raw((request, in, out) -> false);
        LoopbackHttp registry = new LoopbackHttp(exchange -> {
            exchange.getResponseHeaders().add("WWW-Authenticate", "Bearer realm=\"http://" + silent.address()
                    + "/token\",service=\"test\"");
            LoopbackHttp.send(exchange, 401, null, "");
        });
        servers.add(registry);
        EngineException e = assertThrows(EngineException.class, () -> client().ping(registry.address()));
        assertEquals(EngineException.Kind.OUTAGE, e.kind());
        assertTrue(e.getMessage(), e.getMessage().startsWith("the server " + silent.address() + " sent nothing for 1 s"
                + " when asked to get a token from 127.0.0.1 for registry " + registry.address()));
        assertEquals(1, silent.requests.size());
    }

    @Test
    public void aRedirectLoopIsABadAnswerNotAnOutage() throws Exception {
        LoopbackHttp loop = new LoopbackHttp(exchange -> {
            exchange.getResponseHeaders().add("Location", exchange.getRequestURI().getPath() + "?signature=s3cr3t");
            LoopbackHttp.send(exchange, 302, null, "");
        });
        servers.add(loop);
        EngineException e = assertThrows(EngineException.class, () -> client().getManifest(
                repo(loop.address()).tag("v1")));
        assertEquals(EngineException.Kind.BAD_INPUT, e.kind());
        assertEquals("registry " + loop.address() + " redirected get manifest " + loop.address() + "/team/app:v1 in a"
                + " loop, back to http://" + loop.address() + "/v2/team/app/manifests/v1; a registry leads to its"
                + " content in a redirect or two: the registry, or the proxy or storage in front of it, is"
                + " misconfigured. Tell its administrator", e.getMessage());
        assertEquals("each hop once: " + loop.seen, 2, loop.seen.size());
    }

    @Test
    public void anEndlessChainOfRedirectsIsABadAnswerToo() throws Exception {
        LoopbackHttp chain = new LoopbackHttp(exchange -> {
            String path = exchange.getRequestURI().getPath();
            int hop = path.startsWith("/hop/") ? Integer.parseInt(path.substring(5)) : 0;
            exchange.getResponseHeaders().add("Location", "/hop/" + (hop + 1));
            LoopbackHttp.send(exchange, 307, null, "");
        });
        servers.add(chain);
        Digest digest = Digest.sha256(new byte[] {2});
        EngineException e = assertThrows(EngineException.class, () -> client().openBlob(repo(chain.address()),
                digest));
        assertEquals(EngineException.Kind.BAD_INPUT, e.kind());
        assertTrue(e.getMessage(), e.getMessage().startsWith("registry " + chain.address() + " redirected get blob "
                + digest + " from " + chain.address() + "/team/app more than 5 times (last to http://"
                + chain.address() + "/hop/6)"));
        assertEquals("the first request and five hops: " + chain.seen, 6, chain.seen.size());
    }
}
