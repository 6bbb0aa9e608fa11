package io.jenkins.plugins.immutable.registry;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.image.Descriptor;
import io.jenkins.plugins.immutable.image.Digest;
import io.jenkins.plugins.immutable.image.ImageIndex;
import io.jenkins.plugins.immutable.image.ImageManifest;
import io.jenkins.plugins.immutable.image.ImageReference;
import io.jenkins.plugins.immutable.image.Manifest;
import io.jenkins.plugins.immutable.image.MediaTypes;
import io.jenkins.plugins.immutable.image.Platform;
import io.jenkins.plugins.immutable.image.Repository;
import io.jenkins.plugins.immutable.testing.Stack;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** The registry client against the stack's real registries (Debian's docker-registry 2.8). */
public class RegistryClientTest {

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private final RegistryClient client = RegistryClient.builder().build();

    public static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    private Repository repo(String prefix) {
        return new Repository(Stack.registry(), Stack.uniqueRepository(prefix));
    }

    /** Pushes a config and two layers and returns an image manifest of the given type referencing them. */
    public static ImageManifest image(RegistryClient client, Repository repo, String type, long seed) {
        String configType = type.equals(MediaTypes.DOCKER_MANIFEST) ? MediaTypes.DOCKER_CONFIG : MediaTypes.OCI_CONFIG;
        String layerType = type.equals(MediaTypes.DOCKER_MANIFEST) ? MediaTypes.DOCKER_LAYER_GZIP
                : MediaTypes.OCI_LAYER_GZIP;
        byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"seed\":" + seed + "}")
                .getBytes(StandardCharsets.UTF_8);
        ImageManifest.Builder b = ImageManifest.builder(type)
                .config(client.pushBlob(repo, config).withMediaType(configType));
        for (int i = 0; i < 2; i++) {
            b.layer(client.pushBlob(repo, random(3000 + i, seed * 10 + i)).withMediaType(layerType));
        }
        return b.build();
    }

    @Test
    public void pingsAPlainRegistryAnonymously() {
        client.ping(Stack.registry());
        client.ping(Stack.registry2());
    }

    @Test
    public void everyManifestTypeRoundTripsWithItsExactBytesAndDigest() {
        Repository repo = repo("roundtrip");
        ImageManifest oci = image(client, repo, MediaTypes.OCI_MANIFEST, 1);
        ImageManifest docker = image(client, repo, MediaTypes.DOCKER_MANIFEST, 2);
        ImageManifest ociArm = image(client, repo, MediaTypes.OCI_MANIFEST, 3);
        ImageManifest dockerArm = image(client, repo, MediaTypes.DOCKER_MANIFEST, 4);
        client.putManifest(repo.digest(oci.digest()), oci);
        client.putManifest(repo.digest(ociArm.digest()), ociArm);
        client.putManifest(repo.digest(docker.digest()), docker);
        client.putManifest(repo.digest(dockerArm.digest()), dockerArm);
        ImageIndex ociIndex = ImageIndex.builder(MediaTypes.OCI_INDEX)
                .manifest(oci.descriptor().withPlatform(new Platform("linux", "amd64")))
                .manifest(ociArm.descriptor().withPlatform(Platform.parse("linux/arm64/v8")))
                .annotation("org.opencontainers.image.version", "1.0").build();
        ImageIndex dockerList = ImageIndex.builder(MediaTypes.DOCKER_MANIFEST_LIST)
                .manifest(docker.descriptor().withPlatform(new Platform("linux", "amd64")))
                .manifest(dockerArm.descriptor().withPlatform(Platform.parse("linux/arm/v7"))).build();
        // A manifest written by another tool: other key order, whitespace; its digest is of these exact bytes.
        String foreign = "{\n  \"mediaType\": \"" + MediaTypes.OCI_MANIFEST + "\",\n  \"schemaVersion\": 2,\n"
                + "  \"config\": " + descriptorJson(oci.config()) + ",\n  \"layers\": [ " + descriptorJson(
                oci.layers().get(0)) + " ]\n}\n";
        Manifest handWritten = Manifest.parse(foreign.getBytes(StandardCharsets.UTF_8), null);
        assertEquals(Digest.sha256(foreign.getBytes(StandardCharsets.UTF_8)), handWritten.digest());

        List<Manifest> all = List.of(oci, docker, ociIndex, dockerList, handWritten);
        for (int i = 0; i < all.size(); i++) {
            Manifest m = all.get(i);
            ImageReference tagged = repo.tag("t" + i);
            ImageReference pinned = client.putManifest(tagged, m);
            assertEquals(m.digest(), pinned.digest());
            for (ImageReference ref : List.of(tagged, pinned.withoutTag())) {
                Manifest back = client.getManifest(ref);
                assertEquals(m.mediaType(), back.mediaType());
                assertArrayEquals("exact bytes of " + m.mediaType(), m.bytes(), back.bytes());
                assertEquals(m.digest(), back.digest());
                assertEquals(m.getClass(), back.getClass());
            }
            Descriptor head = client.headManifest(tagged).orElseThrow();
            assertEquals(m.digest(), head.digest());
            assertEquals(m.size(), head.size());
            assertEquals(m.mediaType(), head.mediaType());
        }
        ImageIndex back = (ImageIndex) client.getManifest(repo.tag("t2"));
        assertEquals(Platform.parse("linux/arm64/v8"), back.manifests().get(1).platform());
        assertEquals("1.0", back.annotations().get("org.opencontainers.image.version"));
        assertEquals(List.of("t0", "t1", "t2", "t3", "t4"), client.listTags(repo).stream().sorted().toList());
    }

    private static String descriptorJson(Descriptor d) {
        return "{\"size\": " + d.size() + ", \"digest\": \"" + d.digest() + "\", \"mediaType\": \"" + d.mediaType()
                + "\"}";
    }

    @Test
    public void blobsPushFromBytesFilesAndStreamsMonolithicAndChunkedAndReadBackVerified() throws Exception {
        Repository repo = repo("blobs");
        byte[] a = random(5000, 11);
        Descriptor fromBytes = client.pushBlob(repo, a);
        assertEquals(Digest.sha256(a), fromBytes.digest());
        assertEquals(5000, fromBytes.size());

        Path file = tmp.newFile().toPath();
        byte[] b = random(70_000, 12);
        Files.write(file, b);
        Descriptor fromFile = client.pushBlob(repo, file);
        assertEquals(Digest.sha256(b), fromFile.digest());

        byte[] c = random(100_000, 13);
        Descriptor fromStream = client.pushBlob(repo, new ByteArrayInputStream(c));
        assertEquals(Digest.sha256(c), fromStream.digest());
        assertEquals(c.length, fromStream.size());

        byte[] d = random(25_001, 14);
        Path chunkedFile = tmp.newFile().toPath();
        Files.write(chunkedFile, d);
        Descriptor chunked = client.pushBlobChunked(repo, chunkedFile, 10_000);
        assertEquals(Digest.sha256(d), chunked.digest());

        byte[] e = random(30_000, 15);
        Descriptor chunkedStream = client.pushBlobChunked(repo, new ByteArrayInputStream(e), 7_000);
        assertEquals(Digest.sha256(e), chunkedStream.digest());

        byte[] f = random(9_999, 16);
        Descriptor known = Descriptor.of(MediaTypes.OCTET_STREAM, f);
        client.pushBlob(repo, known, () -> new ByteArrayInputStream(f));

        for (var pair : List.of(new Object[] {fromBytes, a}, new Object[] {fromFile, b},
                new Object[] {fromStream, c}, new Object[] {chunked, d}, new Object[] {chunkedStream, e},
                new Object[] {known, f})) {
            Descriptor desc = (Descriptor) pair[0];
            assertEquals(desc.size(), client.headBlob(repo, desc.digest()).orElseThrow().size());
            try (InputStream in = client.openBlob(repo, desc)) {
                assertArrayEquals((byte[]) pair[1], in.readAllBytes());
            }
            assertArrayEquals((byte[]) pair[1], client.readBlob(repo, desc));
        }
        assertTrue(client.headBlob(repo, Digest.sha256(random(10, 99))).isEmpty());
    }

    @Test
    public void aBlobIsMountedWithinARegistryWithoutSendingItsBytes() {
        Repository source = repo("mount-src");
        Repository target = repo("mount-dst");
        Descriptor blob = client.pushBlob(source, random(4096, 21));
        assertTrue(client.headBlob(target, blob.digest()).isEmpty());
        assertTrue(client.mountBlob(target, source, blob.digest()));
        assertEquals(4096, client.headBlob(target, blob.digest()).orElseThrow().size());
        Digest absent = Digest.sha256(random(10, 22));
        assertFalse("a blob the source does not have is not mounted", client.mountBlob(target, source, absent));
        try {
            client.mountBlob(new Repository(Stack.registry2(), target.path()), source, blob.digest());
            fail();
        } catch (EngineException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("within one registry"));
        }
    }

    /** Debian's registry 2.8.2 ignores {@code n} on tag lists; pagination itself is proven in PaginationTest. */
    @Test
    public void everyTagOfARepositoryIsListed() {
        Repository repo = repo("tags");
        ImageManifest m = image(client, repo, MediaTypes.OCI_MANIFEST, 31);
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            client.putManifest(repo.tag("v" + i), m);
            expected.add("v" + i);
        }
        assertEquals(expected, client.listTags(repo, 3).stream().sorted().toList());
        assertEquals(List.of(), client.listTags(repo("never-pushed")));
    }

    @Test
    public void aMissingManifestIsReportedByItsReference() {
        Repository repo = repo("missing");
        image(client, repo, MediaTypes.OCI_MANIFEST, 41);
        ImageReference ref = repo.tag("nope");
        try {
            client.getManifest(ref);
            fail();
        } catch (EngineException e) {
            assertEquals(EngineException.Kind.BAD_INPUT, e.kind());
            assertTrue(e.getMessage(), e.getMessage().contains("manifest unknown") || e.getMessage().contains("unknown"));
            assertTrue(e.getMessage(), e.getMessage().contains(ref.toString()));
        }
        assertTrue(client.headManifest(ref).isEmpty());
        assertTrue("found or not, without an error", client.findManifest(ref).isEmpty());
        assertTrue(client.findManifest(repo("never-pushed").tag("nope")).isEmpty());
    }

    @Test
    public void aManifestThatMayBeAbsentIsFoundWithItsExactBytes() {
        Repository repo = repo("find");
        ImageManifest m = image(client, repo, MediaTypes.OCI_MANIFEST, 45);
        client.putManifest(repo.tag("v1"), m);
        assertEquals(m, client.findManifest(repo.tag("v1")).orElseThrow());
        assertEquals(m.digest(), client.findManifest(repo.digest(m.digest())).orElseThrow().digest());
    }

    @Test
    public void aTagResolvesToItsDigestAndAManifestDeletedByDigestIsGone() {
        Repository repo = repo("delete");
        ImageManifest m = image(client, repo, MediaTypes.OCI_MANIFEST, 51);
        client.putManifest(repo.tag("v1"), m);
        ImageReference resolved = client.resolve(repo.tag("v1"));
        assertEquals(m.digest(), resolved.digest());
        assertEquals("v1", resolved.tag());
        assertTrue(client.deleteManifest(repo.digest(m.digest())));
        assertTrue(client.headManifest(repo.digest(m.digest())).isEmpty());
        assertFalse(client.deleteManifest(repo.digest(m.digest())));
    }

    @Test
    public void aManifestFetchedByDigestMustHashToThatDigest() {
        Repository repo = repo("pinned");
        ImageManifest m = image(client, repo, MediaTypes.OCI_MANIFEST, 61);
        ImageReference stored = client.putManifest(repo.tag("v1"), m);
        try {
            client.putManifest(repo.tag("v2").withDigest(Digest.sha256(new byte[1])), m);
            fail();
        } catch (EngineException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("pinned to another digest"));
        }
        assertEquals(m.digest(), client.getManifest(stored).digest());
    }

    @Test
    public void aBlobWhoseStoredBytesDoNotMatchItsDigestIsRefused() throws Exception {
        try (RegistryProcess registry = RegistryProcess.start(tmp.newFolder("registry").toPath())) {
            Repository repo = new Repository(registry.address(), "corrupt/app");
            byte[] bytes = random(50_000, 71);
            Descriptor blob = client.pushBlob(repo, bytes);
            // Flip bytes on the registry's disk, keeping the length: the registry serves them as they are.
            Path stored = registry.blobFile(blob.digest().hex());
            byte[] onDisk = Files.readAllBytes(stored);
            onDisk[25_000] ^= 0x5a;
            Files.write(stored, onDisk);
            try (InputStream in = client.openBlob(repo, blob)) {
                in.readAllBytes();
                fail("corrupt bytes were accepted");
            } catch (EngineException e) {
                assertEquals(EngineException.Kind.INTEGRITY, e.kind());
                assertTrue(e.getMessage(), e.getMessage().contains("does not match its digest"));
                assertTrue(e.getMessage(), e.getMessage().contains(blob.digest().toString()));
            }
            // A copy of an image with that blob to another registry is refused too: the target checks the digest.
            ImageManifest withCorrupt = ImageManifest.builder(MediaTypes.OCI_MANIFEST)
                    .config(client.pushBlob(repo, "{}".getBytes(StandardCharsets.UTF_8)).withMediaType(MediaTypes.OCI_CONFIG))
                    .layer(blob.withMediaType(MediaTypes.OCI_LAYER_GZIP)).build();
            ImageReference source = client.putManifest(repo.tag("v1"), withCorrupt);
            Repository target = new Repository(Stack.registry2(), Stack.uniqueRepository("corrupt-copy"));
            try {
                new ImageCopier(client).copy(source, target.tag("v1"));
                fail("a corrupt blob was copied");
            } catch (EngineException e) {
                assertEquals(e.getMessage(), EngineException.Kind.INTEGRITY, e.kind());
                assertTrue(e.getMessage(), e.getMessage().contains("do not match their digest"));
            }
            assertTrue(client.headManifest(target.tag("v1")).isEmpty());
            // Pushing bytes under a digest they do not have is refused by the registry, as INTEGRITY.
            Descriptor lie = new Descriptor(MediaTypes.OCTET_STREAM, Digest.sha256(random(10, 72)), bytes.length);
            try {
                client.pushBlob(repo, lie, () -> new ByteArrayInputStream(bytes));
                fail();
            } catch (EngineException e) {
                assertEquals(e.getMessage(), EngineException.Kind.INTEGRITY, e.kind());
            }
        }
    }
}
