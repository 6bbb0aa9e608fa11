package io.jenkins.plugins.immutable.registry;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.image.ImageManifest;
import io.jenkins.plugins.immutable.image.MediaTypes;
import io.jenkins.plugins.immutable.image.Repository;
import io.jenkins.plugins.immutable.testing.Stack;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;

/** Retries against the stack's registry behind a {@link FaultyProxy}: what passes with time, and what does not. */
public class RetryTest {

    private FaultyProxy proxy;
    private final List<String> log = new CopyOnWriteArrayList<>();
    private RegistryClient client;
    private Repository repo;
    private ImageManifest image;

    @Before
    public void setUp() throws Exception {
        RegistryClient direct = RegistryClient.builder().build();
        Repository real = new Repository(Stack.registry(), Stack.uniqueRepository("retry"));
        image = RegistryClientTest.image(direct, real, MediaTypes.OCI_MANIFEST, 401);
        direct.putManifest(real.tag("v1"), image);
        proxy = new FaultyProxy(Stack.registry());
        repo = new Repository(proxy.address(), real.path());
        client = RegistryClient.builder().retries(4, Duration.ofMillis(20)).listener(log::add).build();
    }

    @After
    public void tearDown() {
        proxy.close();
    }

    @Test
    public void unavailableAndRateLimitedAnswersAreRetriedHonouringRetryAfter() {
        proxy.faults.add(new FaultyProxy.Fault(503, "1"));
        proxy.faults.add(new FaultyProxy.Fault(429, null));
        assertArrayEquals(image.bytes(), client.getManifest(repo.tag("v1")).bytes());
        assertEquals(3, proxy.arrivals.size());
        long waited = proxy.arrivals.get(1)[0] - proxy.arrivals.get(0)[0];
        assertTrue("Retry-After: 1 was honoured, waited " + waited / 1_000_000 + " ms", waited >= 900_000_000L);
        assertTrue(log.toString(), log.get(0).contains("answered HTTP 503") && log.get(0).contains("retrying in 1000 ms"));
    }

    @Test
    public void aResetConnectionIsRetried() {
        proxy.faults.add(FaultyProxy.Fault.reset());
        proxy.faults.add(FaultyProxy.Fault.reset());
        try (var in = client.openBlob(repo, image.layers().get(0))) {
            assertEquals(image.layers().get(0).size(), in.readAllBytes().length);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
        assertEquals(3, proxy.arrivals.size());
        assertTrue(log.toString(), log.get(0).contains("retrying"));
    }

    @Test
    public void aChunkedUploadCutMidwayResumesFromWhereTheRegistrySaysItGot() throws Exception {
        java.nio.file.Path file = java.nio.file.Files.createTempFile("chunks", ".bin");
        try {
            byte[] bytes = RegistryClientTest.random(35_000, 402);
            java.nio.file.Files.write(file, bytes);
            // HEAD (absent), POST (upload opened), PATCH of the first chunk go through; the second PATCH is cut.
            proxy.faults.add(FaultyProxy.Fault.pass());
            proxy.faults.add(FaultyProxy.Fault.pass());
            proxy.faults.add(FaultyProxy.Fault.pass());
            proxy.faults.add(FaultyProxy.Fault.reset());
            io.jenkins.plugins.immutable.image.Descriptor d = client.pushBlobChunked(repo, file, 10_000);
            assertEquals(io.jenkins.plugins.immutable.image.Digest.sha256(bytes), d.digest());
            assertArrayEquals(bytes, client.readBlob(repo, d));
            assertTrue(log.toString(), log.stream().anyMatch(l -> l.contains("resuming at 10000")));
        } finally {
            java.nio.file.Files.deleteIfExists(file);
        }
    }

    @Test
    public void aClientErrorThatWillNotChangeIsNotRetried() {
        proxy.faults.add(new FaultyProxy.Fault(403, null));
        try {
            client.getManifest(repo.tag("v1"));
            fail();
        } catch (EngineException e) {
            assertEquals(EngineException.Kind.BAD_INPUT, e.kind());
            assertTrue(e.getMessage(), e.getMessage().startsWith("denied: registry " + proxy.address()));
        }
        assertEquals(1, proxy.arrivals.size());
        assertTrue(log.isEmpty());
    }

    @Test
    public void aRegistryThatKeepsFailingIsAnOutageAfterTheLastAttempt() {
        for (int i = 0; i < 10; i++) {
            proxy.faults.add(new FaultyProxy.Fault(502, null));
        }
        try {
            client.headManifest(repo.tag("v1"));
            fail();
        } catch (EngineException e) {
            assertEquals(EngineException.Kind.OUTAGE, e.kind());
            assertTrue(e.getMessage(), e.getMessage().contains("HTTP 502"));
        }
        assertEquals(4, proxy.arrivals.size());
    }

    @Test
    public void aRetryAfterLongerThanAMinuteIsNotWaitedForButReported() {
        proxy.faults.add(new FaultyProxy.Fault(429, "3600"));
        try {
            client.getManifest(repo.tag("v1"));
            fail();
        } catch (EngineException e) {
            assertEquals(EngineException.Kind.OUTAGE, e.kind());
            assertTrue(e.getMessage(), e.getMessage().contains("asks to wait 3600 s"));
        }
    }

    @Test
    public void registriesSpeakTlsUnlessMarkedInsecureAndLoopbackIsInsecureByDefault() {
        Hosts defaults = new Hosts(java.util.Set.of("cache.internal:5000", "lab"), true);
        assertEquals("https://registry.example.com", defaults.base("registry.example.com").toString());
        assertEquals("https://registry-1.docker.io", defaults.base("docker.io").toString());
        assertEquals("http://cache.internal:5000", defaults.base("cache.internal:5000").toString());
        assertEquals("https://cache.internal:5001", defaults.base("cache.internal:5001").toString());
        assertEquals("http://lab:443", defaults.base("lab:443").toString());
        assertEquals("http://127.0.0.1:5000", defaults.base("127.0.0.1:5000").toString());
        assertEquals("http://localhost:5000", defaults.base("localhost:5000").toString());
        assertEquals("http://[::1]:5000", defaults.base("[::1]:5000").toString());
        assertEquals("https://127.0.0.1:5000", new Hosts(java.util.Set.of(), false).base("127.0.0.1:5000").toString());
        // Against the real plain-HTTP registry, a client that does not treat loopback as insecure insists on TLS.
        try {
            RegistryClient.builder().loopbackInsecure(false).retries(1, Duration.ofMillis(1)).build()
                    .ping(Stack.registry());
            fail();
        } catch (EngineException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("TLS") || e.getMessage().contains("SSL"));
        }
    }
}
