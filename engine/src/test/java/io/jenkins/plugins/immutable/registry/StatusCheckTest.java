package io.jenkins.plugins.immutable.registry;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.ProgressMeter;
import io.jenkins.plugins.immutable.image.Descriptor;
import io.jenkins.plugins.immutable.image.Digest;
import io.jenkins.plugins.immutable.image.ImageManifest;
import io.jenkins.plugins.immutable.image.MediaTypes;
import io.jenkins.plugins.immutable.image.Repository;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.junit.rules.Timeout;

/**
 * Every operation's answer goes through one status check, which names the operation in the registry's error. A
 * {@link RawServer} answers each method with the status the test sets (an upload's steps can go through while the
 * one under test is refused), the refusal with the registry's own error body; the messages are the user's only clue
 * to what failed, so they are pinned whole.
 */
public class StatusCheckTest {

    @Rule
    public final Timeout limit = Timeout.seconds(60);
    @Rule
    public final TemporaryFolder tmp = new TemporaryFolder();

    private static final String DENIED = "{\"errors\":[{\"code\":\"DENIED\",\"message\":\"not for you\"}]}";

    /** The status each method gets: a refusal (4xx, 5xx) with {@link #DENIED} as its body, a GET's 200 with the blob. */
    private final Map<String, Integer> answers = new ConcurrentHashMap<>();
    private RawServer server;
    private RegistryClient client;
    private Repository repo;
    private final byte[] bytes = RegistryClientTest.random(10, 951);
    private final Digest digest = Digest.sha256(bytes);

    @Before
    public void start() throws Exception {
        server = new RawServer((request, in, out) -> {
            RawServer.skip(in, request.contentLength());
            if (request.head().toLowerCase(java.util.Locale.ROOT).contains("transfer-encoding: chunked")) {
                skipChunked(in);
            }
            int status = answers.getOrDefault(request.method(), 403);
            byte[] body = request.method().equals("HEAD") ? new byte[0]
                    : status >= 400 ? DENIED.getBytes(StandardCharsets.UTF_8)
                    : request.method().equals("GET") ? bytes : new byte[0];
            RawServer.head(out, status, "Content-Type: application/json", "Location: /upload/next",
                    "Content-Length: " + body.length);
            out.write(body);
            out.flush();
            return true;
        });
        client = RegistryClient.builder().retries(1, Duration.ofMillis(1)).build();
        repo = new Repository(server.address(), "team/app");
    }

    @After
    public void stop() {
        server.close();
    }

    private static void skipChunked(java.io.InputStream in) throws java.io.IOException {
        while (true) {
            StringBuilder line = new StringBuilder();
            for (int b = in.read(); b != '\n' && b >= 0; b = in.read()) {
                line.append((char) b);
            }
            int size = Integer.parseInt(line.toString().strip().split(";")[0], 16);
            in.skipNBytes(size + 2L);
            if (size == 0) {
                return;
            }
        }
    }

    private String denied(Runnable operation) {
        EngineException e = assertThrows(EngineException.class, operation::run);
        assertEquals(e.getMessage(), EngineException.Kind.BAD_INPUT, e.kind());
        return e.getMessage();
    }

    private String refusedTo(String what, boolean withBody) {
        return "denied: registry " + server.address() + " does not allow to " + what + " (HTTP 403"
                + (withBody ? " DENIED: not for you" : "") + "); use credentials with that permission, or ask the"
                + " registry's administrator";
    }

    @Test
    public void readsNameWhatTheyAskedFor() {
        assertEquals(refusedTo("answer the API check /v2/", true), denied(() -> client.ping(server.address())));
        assertEquals(refusedTo(repo + ":v1", true), denied(() -> client.getManifest(repo.tag("v1"))));
        assertEquals(refusedTo("check manifest " + repo + ":v1", false),
                denied(() -> client.headManifest(repo.tag("v1"))));
        assertEquals(refusedTo("delete manifest " + repo + "@" + digest, true),
                denied(() -> client.deleteManifest(repo.digest(digest))));
        assertEquals(refusedTo("check blob " + digest + " in " + repo, false),
                denied(() -> client.headBlob(repo, digest)));
        assertEquals(refusedTo("get blob " + digest + " from " + repo, true), denied(() -> client.openBlob(repo,
                digest)));
        assertEquals(refusedTo("list the tags of " + repo, true), denied(() -> client.listTags(repo)));
        assertEquals(refusedTo("list the referrers of " + digest.shortForm() + " in " + repo, true),
                denied(() -> client.referrers(repo, digest, null)));
        // A mount's answer is not read: its status says enough.
        assertEquals(refusedTo("mount blob " + digest.shortForm() + " from team/base into " + repo, false),
                denied(() -> client.mountBlob(repo, new Repository(server.address(), "team/base"), digest)));
    }

    @Test
    public void everyStepOfAnUploadNamesItself() throws Exception {
        answers.put("HEAD", 404);
        assertEquals(refusedTo("start an upload to " + repo, true), denied(() -> client.pushBlob(repo, bytes)));
        answers.put("POST", 202);
        assertEquals(refusedTo("push blob " + digest.shortForm() + " to " + repo, true),
                denied(() -> client.pushBlob(repo, bytes)));
        assertEquals(refusedTo("upload a blob to " + repo, true),
                denied(() -> client.pushBlob(repo, new ByteArrayInputStream(bytes))));
        assertEquals(refusedTo("upload bytes 0-9 to " + repo, true),
                denied(() -> client.pushBlobChunked(repo, new ByteArrayInputStream(bytes), 100)));
        Path file = tmp.newFile().toPath();
        Files.write(file, bytes);
        answers.put("PATCH", 202);
        assertEquals(refusedTo("commit blob " + digest.shortForm() + " to " + repo, true),
                denied(() -> client.pushBlobChunked(repo, file, 100)));
        Descriptor blob = Descriptor.of(MediaTypes.OCTET_STREAM, bytes);
        assertEquals(refusedTo("push blob " + digest.shortForm() + " to " + repo, true),
                denied(() -> client.pushBlob(repo, blob, () -> new ByteArrayInputStream(bytes))));
        Repository other = new Repository(server.address(), "team/other");
        assertEquals(refusedTo("get blob " + digest + " from " + other, true),
                denied(() -> client.copyBlobAcross(other, repo, blob, ProgressMeter.NONE)));
        answers.put("GET", 200);
        answers.put("PUT", 403);
        assertEquals(refusedTo("push blob " + digest.shortForm() + " to " + repo + " (streamed from " + other + ")",
                true), denied(() -> client.copyBlobAcross(other, repo, blob, ProgressMeter.NONE)));
    }

    @Test
    public void aManifestPutNamesItsTagOrDigest() {
        ImageManifest m = ImageManifest.builder(MediaTypes.OCI_MANIFEST)
                .config(Descriptor.of(MediaTypes.OCI_CONFIG, "{}".getBytes(StandardCharsets.UTF_8))).build();
        assertEquals(refusedTo("put manifest " + repo + ":v1", true), denied(() -> client.putManifest(repo.tag("v1"),
                m)));
        assertEquals(refusedTo("put manifest " + repo + ":" + m.digest(), true),
                denied(() -> client.putManifest(repo.digest(m.digest()), m)));
    }
}
