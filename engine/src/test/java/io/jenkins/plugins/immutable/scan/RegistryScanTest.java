package io.jenkins.plugins.immutable.scan;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.ProgressListener;
import io.jenkins.plugins.immutable.image.Descriptor;
import io.jenkins.plugins.immutable.image.Digest;
import io.jenkins.plugins.immutable.image.ImageIndex;
import io.jenkins.plugins.immutable.image.ImageManifest;
import io.jenkins.plugins.immutable.image.ImageReference;
import io.jenkins.plugins.immutable.image.MediaTypes;
import io.jenkins.plugins.immutable.image.Platform;
import io.jenkins.plugins.immutable.image.Repository;
import io.jenkins.plugins.immutable.registry.RegistryClient;
import io.jenkins.plugins.immutable.scan.layer.TarBuilder;
import io.jenkins.plugins.immutable.scan.osv.OsvDatabase;
import io.jenkins.plugins.immutable.testing.Stack;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/** Images the test builds and pushes to the stack's registry, scanned by reference through the registry client. */
public class RegistryScanTest {

    private static final RegistryClient CLIENT = RegistryClient.builder().build();
    private static OsvDatabase db;

    @BeforeClass
    public static void openDatabase() {
        db = OsvDatabase.open(ScannerTest.TEST_DB, ProgressListener.NONE);
    }

    @AfterClass
    public static void closeDatabase() {
        db.close();
    }

    private static Repository repo() {
        return new Repository(Stack.registry(), Stack.uniqueRepository("scan"));
    }

    private static Scanner scanner(List<String> log) {
        return new Scanner(db, io.jenkins.plugins.immutable.scan.layer.DecompressionLimits.DEFAULT, ScannerTest.CLOCK,
                log::add);
    }

    /** Pushes layers (uncompressed tars, each compressed as asked) and an OCI image manifest naming them. */
    static ImageManifest pushImage(Repository repo, String architecture, List<byte[]> tars, List<String> types) {
        StringBuilder diffIds = new StringBuilder();
        ImageManifest.Builder b = ImageManifest.builder(MediaTypes.OCI_MANIFEST);
        List<Descriptor> layers = new ArrayList<>();
        for (int i = 0; i < tars.size(); i++) {
            byte[] tar = tars.get(i);
            String type = types.get(i);
            byte[] blob = type.endsWith("+zstd") ? TarBuilder.zstd(tar) : type.endsWith("+gzip") ? TarBuilder.gzip(tar)
                    : tar;
            layers.add(CLIENT.pushBlob(repo, blob).withMediaType(type));
            diffIds.append(i == 0 ? "" : ",").append('"').append(Digest.sha256(tar)).append('"');
        }
        byte[] config = ("{\"architecture\":\"" + architecture + "\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\","
                + "\"diff_ids\":[" + diffIds + "]},\"config\":{}}").getBytes(StandardCharsets.UTF_8);
        b.config(CLIENT.pushBlob(repo, config).withMediaType(MediaTypes.OCI_CONFIG));
        layers.forEach(b::layer);
        return b.build();
    }

    static ImageManifest pushFixture(Repository repo) {
        return pushImage(repo, "amd64", List.of(ScanFixtures.baseLayer().tar(), ScanFixtures.upgradeLayer().tar()),
                List.of(MediaTypes.OCI_LAYER_GZIP, MediaTypes.OCI_LAYER_ZSTD));
    }

    @Test
    public void scansAnImagePushedToTheRegistryByTagAndReportsItsDigest() {
        Repository repo = repo();
        ImageManifest image = pushFixture(repo);
        CLIENT.putManifest(repo.tag("1.0"), image);
        List<String> log = new ArrayList<>();
        ScanReport r = scanner(log).scan(CLIENT, repo.tag("1.0"), null, new Policy(Severity.CRITICAL, false, List.of()));
        assertEquals(image.digest().toString(), r.digest());
        assertEquals(repo.tag("1.0").withDigest(image.digest()).toString(), r.image());
        assertFalse(r.passed());
        List<String> ids = r.findings().stream().map(Finding::id).toList();
        assertTrue(ids.toString(), ids.contains("GHSA-jfh8-c2jp-5v3q"));
        assertFalse("the whited-out jar", ids.contains("GHSA-57j2-w4cx-62h2"));
        assertFalse("lodash was upgraded in the zstd layer", ids.contains("GHSA-35jh-r3h4-6jhm"));
        assertEquals(2, r.layers().layers());
        assertTrue(log.toString(), log.get(1).startsWith("Reading layer 1/2 " + image.layers().get(0).digest()));
    }

    @Test
    public void picksThePlatformOfAMultiPlatformIndex() {
        Repository repo = repo();
        ImageManifest amd64 = pushFixture(repo);
        ImageManifest arm64 = pushImage(repo, "arm64", List.of(new TarBuilder()
                .file("etc/os-release", "ID=alpine\nVERSION_ID=3.20.1\n")
                .file("lib/apk/db/installed", ScanFixtures.APK_INSTALLED).tar()), List.of(MediaTypes.OCI_LAYER));
        CLIENT.putManifest(repo.digest(amd64.digest()), amd64);
        CLIENT.putManifest(repo.digest(arm64.digest()), arm64);
        ImageIndex index = ImageIndex.builder(MediaTypes.OCI_INDEX)
                .manifest(amd64.descriptor().withPlatform(new Platform("linux", "amd64")))
                .manifest(arm64.descriptor().withPlatform(new Platform("linux", "arm64", "v8", null, List.of())))
                .build();
        CLIENT.putManifest(repo.tag("multi"), index);
        ScanReport arm = scanner(new ArrayList<>()).scan(CLIENT, repo.tag("multi"), Platform.parse("linux/arm64"),
                Policy.REPORT_ONLY);
        assertEquals("alpine", arm.os().id());
        assertEquals(List.of("ALPINE-CVE-2024-5535"), arm.findings().stream().map(Finding::id).toList());
        assertEquals("the report names the index the user asked for", index.digest().toString(), arm.digest());
        try {
            scanner(new ArrayList<>()).scan(CLIENT, repo.tag("multi"), Platform.parse("linux/s390x"), Policy.REPORT_ONLY);
            fail();
        } catch (EngineException e) {
            assertEquals("BAD_INPUT", e.kind().name());
            assertTrue(e.getMessage(), e.getMessage().contains("has no linux/s390x image; it has [linux/amd64, linux/arm64/v8]"));
        }
    }

    @Test
    public void gzipBombImageStopsTheScan() throws Exception {
        Repository repo = repo();
        java.io.ByteArrayOutputStream bomb = new java.io.ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream gz = new java.util.zip.GZIPOutputStream(bomb, 1 << 16)) {
            TarBuilder.writeTarWithZeros(gz, "var/bomb", 512L << 20);
        }
        Descriptor layer = CLIENT.pushBlob(repo, bomb.toByteArray()).withMediaType(MediaTypes.OCI_LAYER_GZIP);
        ImageManifest image = ImageManifest.builder(MediaTypes.OCI_MANIFEST)
                .config(CLIENT.pushBlob(repo, "{\"architecture\":\"amd64\",\"os\":\"linux\"}".getBytes(StandardCharsets.UTF_8))
                        .withMediaType(MediaTypes.OCI_CONFIG))
                .layer(layer).build();
        CLIENT.putManifest(repo.tag("bomb"), image);
        try {
            scanner(new ArrayList<>()).scan(CLIENT, repo.tag("bomb"), null, Policy.REPORT_ONLY);
            fail("a bomb must not be scanned to the end");
        } catch (EngineException e) {
            assertEquals(EngineException.Kind.BAD_INPUT, e.kind());
            assertTrue(e.getMessage(), e.getMessage().startsWith("layer " + layer.digest() + " inflates more than 200 times"));
        }
    }

    @Test
    public void imageWithDotDotPathsIsRefused() {
        Repository repo = repo();
        ImageManifest image = pushImage(repo, "amd64", List.of(new TarBuilder().file("tmp/x", "x")
                .file("../../../root/.ssh/authorized_keys", "ssh-ed25519 AAAA attacker").tar()),
                List.of(MediaTypes.OCI_LAYER_GZIP));
        CLIENT.putManifest(repo.tag("evil"), image);
        try {
            scanner(new ArrayList<>()).scan(CLIENT, repo.tag("evil"), null, Policy.REPORT_ONLY);
            fail();
        } catch (EngineException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("'../../../root/.ssh/authorized_keys', which points"
                    + " outside the image root"));
        }
    }

    @Test
    public void aSignatureManifestIsNotAnImage() {
        Repository repo = repo();
        ImageManifest sig = ImageManifest.builder(MediaTypes.OCI_MANIFEST)
                .config(CLIENT.pushBlob(repo, "{}".getBytes(StandardCharsets.UTF_8)).withMediaType(MediaTypes.OCI_EMPTY))
                .layer(CLIENT.pushBlob(repo, "{\"critical\":{}}".getBytes(StandardCharsets.UTF_8))
                        .withMediaType(MediaTypes.COSIGN_SIMPLESIGNING))
                .build();
        ImageReference ref = CLIENT.putManifest(repo.tag("sig"), sig);
        try {
            scanner(new ArrayList<>()).scan(CLIENT, ref, null, Policy.REPORT_ONLY);
            fail();
        } catch (EngineException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("is not a container image"));
        }
    }

    /**
     * A registry that serves other bytes for a layer's digest (here: the blob file in the stack registry's own storage
     * rewritten, same length, a gzip of a harmless layer padded with zeros) must not make a finding disappear: the
     * decompressor stops at its trailer, so the scanner must read the rest of the blob through the digest check.
     */
    @Test
    public void aLayerServedWithOtherBytesThanItsDigestIsAnIntegrityError() throws Exception {
        Repository repo = repo();
        String unique = Stack.uniqueRepository("marker");
        byte[] vulnerable = new TarBuilder()
                .file("app/marker", unique)
                .file("app/lib/jackson-databind-2.9.8.jar",
                        ScanFixtures.jar("com.fasterxml.jackson.core", "jackson-databind", "2.9.8", null), 0100644)
                .tar();
        ImageManifest image = pushImage(repo, "amd64", List.of(vulnerable), List.of(MediaTypes.OCI_LAYER_GZIP));
        CLIENT.putManifest(repo.tag("1"), image);
        Policy failOnHigh = new Policy(Severity.HIGH, false, List.of());
        ScanReport honest = scanner(new ArrayList<>()).scan(CLIENT, repo.tag("1"), null, failOnHigh);
        assertFalse("the genuine layer has a HIGH finding", honest.passed());
        assertEquals(List.of("GHSA-57j2-w4cx-62h2"), honest.findings().stream().map(Finding::id).toList());

        Descriptor layer = image.layers().get(0);
        byte[] harmless = TarBuilder.gzip(new TarBuilder().file("app/marker", unique).tar());
        assertTrue("the lie fits in the genuine blob's length", harmless.length < layer.size());
        java.nio.file.Path data = Stack.registryStorage().resolve("docker/registry/v2/blobs/sha256")
                .resolve(layer.digest().hex().substring(0, 2)).resolve(layer.digest().hex()).resolve("data");
        assertTrue(data + " is where the registry keeps the layer", java.nio.file.Files.isRegularFile(data));
        java.nio.file.Files.write(data, java.util.Arrays.copyOf(harmless, (int) layer.size()));

        try {
            ScanReport lied = scanner(new ArrayList<>()).scan(CLIENT, repo.tag("1"), null, failOnHigh);
            fail("a layer whose bytes do not match its digest was scanned: " + lied.summary());
        } catch (EngineException e) {
            assertEquals(e.getMessage(), EngineException.Kind.INTEGRITY, e.kind());
            assertTrue(e.getMessage(), e.getMessage().startsWith("blob " + layer.digest() + " from " + repo
                    + " does not match its digest"));
        }
    }

    /**
     * A CRITICAL log4j-core in a jar nested five archives deep, deeper than the scanner reads, must not pass a policy
     * silently: the scan is INCOMPLETE, names what it skipped and why, and passes only when incomplete scans are
     * accepted.
     */
    @Test
    public void aJarNestedTooDeepMakesTheScanIncompleteUnlessThatIsAccepted() {
        Repository repo = repo();
        byte[] archive = ScanFixtures.jar("org.apache.logging.log4j", "log4j-core", "2.14.1", null);
        String inner = "log4j-core-2.14.1.jar";
        for (int level = 4; level >= 1; level--) {
            archive = ScanFixtures.wrap(inner, archive);
            inner = "lib/level" + level + ".jar";
        }
        archive = ScanFixtures.wrap(inner, archive);
        ImageManifest image = pushImage(repo, "amd64", List.of(new TarBuilder().file("app/app.jar", archive, 0100644)
                .tar()), List.of(MediaTypes.OCI_LAYER_GZIP));
        CLIENT.putManifest(repo.tag("deep"), image);

        List<String> log = new ArrayList<>();
        ScanReport r = scanner(log).scan(CLIENT, repo.tag("deep"), null, new Policy(Severity.CRITICAL, false, List.of()));
        assertEquals(List.of(), r.findings());
        assertFalse("an incomplete scan must not pass by default", r.passed());
        assertEquals(Verdict.INCOMPLETE, r.verdict());
        String where = "app/app.jar!/lib/level1.jar!/lib/level2.jar!/lib/level3.jar!/lib/level4.jar!/log4j-core-2.14.1.jar";
        assertEquals(1, r.skipped().size());
        assertEquals(where, r.skipped().get(0).location());
        assertTrue(r.skipped().get(0).reason(), r.skipped().get(0).reason().startsWith("nested more than 4 archives"
                + " deep"));
        assertTrue(r.reasons().toString(), r.reasons().get(0).startsWith("the scan is incomplete: 1 item was not read,"
                + " so findings may be missing (" + where + ": nested more than 4 archives deep"));
        assertTrue(r.summary(), r.summary().endsWith("1 item not read; INCOMPLETE"));
        assertTrue(log.toString(), log.contains("  not read: " + r.skipped().get(0)));

        ScanReport back = ScanOutputs.parseJson(ScanOutputs.json(r));
        assertEquals("the report read back (as the scan gate does) keeps the verdict", Verdict.INCOMPLETE, back.verdict());
        assertEquals(r.skipped(), back.skipped());
        assertFalse(back.passed());

        ScanReport accepted = scanner(new ArrayList<>()).scan(CLIENT, repo.tag("deep"), null,
                new Policy(Severity.CRITICAL, false, List.of(), true));
        assertEquals(Verdict.PASSED, accepted.verdict());
        assertTrue(accepted.passed());
        assertEquals("what was skipped is still reported", r.skipped(), accepted.skipped());
    }
}
