package io.jenkins.plugins.immutable.registry;

import static io.jenkins.plugins.immutable.registry.RegistryClientTest.image;
import static io.jenkins.plugins.immutable.registry.RegistryClientTest.random;
import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.image.Descriptor;
import io.jenkins.plugins.immutable.image.ImageIndex;
import io.jenkins.plugins.immutable.image.ImageManifest;
import io.jenkins.plugins.immutable.image.ImageReference;
import io.jenkins.plugins.immutable.image.Manifest;
import io.jenkins.plugins.immutable.image.MediaTypes;
import io.jenkins.plugins.immutable.image.Platform;
import io.jenkins.plugins.immutable.image.Repository;
import io.jenkins.plugins.immutable.testing.RecordingListener;
import io.jenkins.plugins.immutable.testing.Stack;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** Copy by digest between the stack's registries, and across a registry that dies mid-copy. */
public class ImageCopierTest {

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private final RegistryClient client = RegistryClient.builder().build();

    private static Repository repo(String registry, String prefix) {
        return new Repository(registry, Stack.uniqueRepository(prefix));
    }

    @Test
    public void withinARegistryEveryBlobIsMountedAndNoBytesMove() {
        Repository from = repo(Stack.registry(), "copy-src");
        Repository to = repo(Stack.registry(), "copy-dst");
        ImageManifest m = image(client, from, MediaTypes.DOCKER_MANIFEST, 101);
        client.putManifest(from.tag("v1"), m);
        List<String> log = new CopyOnWriteArrayList<>();

        CopyResult result = new ImageCopier(client).withListener(log::add).copy(from.tag("v1"), to.tag("prod"));

        assertEquals(3, result.blobsMounted());
        assertEquals(0, result.blobsCopied());
        assertEquals(0, result.bytesCopied());
        assertEquals(m.digest(), result.digest());
        assertEquals(to.tag("prod").withDigest(m.digest()), result.target());
        assertArrayEquals(m.bytes(), client.getManifest(to.tag("prod")).bytes());
        assertTrue(log.get(0), log.get(0).startsWith("resolved " + from.tag("v1") + " to " + m.digest()));
        assertTrue("the tag is written last: " + log, log.get(log.size() - 1).startsWith("tagged "));
    }

    @Test
    public void acrossRegistriesAWholeIndexIsStreamedWithEveryPlatform() {
        Repository from = repo(Stack.registry(), "index-src");
        Repository to = repo(Stack.registry2(), "index-dst");
        ImageManifest amd = image(client, from, MediaTypes.OCI_MANIFEST, 111);
        ImageManifest arm = image(client, from, MediaTypes.OCI_MANIFEST, 112);
        client.putManifest(from.digest(amd.digest()), amd);
        client.putManifest(from.digest(arm.digest()), arm);
        ImageIndex index = ImageIndex.builder(MediaTypes.OCI_INDEX)
                .manifest(amd.descriptor().withPlatform(new Platform("linux", "amd64")))
                .manifest(arm.descriptor().withPlatform(Platform.parse("linux/arm64/v8"))).build();
        ImageReference source = client.putManifest(from.tag("multi"), index);

        CopyResult result = new ImageCopier(client).copy(source.withoutTag(), to.tag("multi"));

        assertEquals(6, result.blobsCopied());
        assertEquals(0, result.blobsMounted());
        assertEquals(3, result.manifests());
        long expectedBytes = amd.blobs().stream().mapToLong(Descriptor::size).sum()
                + arm.blobs().stream().mapToLong(Descriptor::size).sum();
        assertEquals(expectedBytes, result.bytesCopied());
        assertArrayEquals(index.bytes(), client.getManifest(to.tag("multi")).bytes());
        for (ImageManifest platform : List.of(amd, arm)) {
            assertArrayEquals(platform.bytes(), client.getManifest(to.digest(platform.digest())).bytes());
            for (Descriptor blob : platform.blobs()) {
                assertArrayEquals(client.readBlob(from, blob), client.readBlob(to, blob));
            }
        }
        // A second copy finds everything in place and sends nothing.
        CopyResult again = new ImageCopier(client).copy(source, to.tag("multi"));
        assertEquals(0, again.blobsCopied());
        assertEquals(6, again.blobsPresent());
    }

    @Test
    public void aCopyAcrossRegistriesReportsEachBlobsBytesAsThrottledProgressAndAMountNone() {
        Repository from = repo(Stack.registry(), "progress-src");
        Repository to = repo(Stack.registry2(), "progress-dst");
        Descriptor big = client.pushBlob(from, random(8 * 1024 * 1024, 131)).withMediaType(MediaTypes.OCI_LAYER_GZIP);
        Descriptor small = client.pushBlob(from, random(5000, 132)).withMediaType(MediaTypes.OCI_LAYER_GZIP);
        Descriptor config = client.pushBlob(from, "{\"os\":\"linux\"}".getBytes(StandardCharsets.UTF_8))
                .withMediaType(MediaTypes.OCI_CONFIG);
        ImageManifest m = ImageManifest.builder(MediaTypes.OCI_MANIFEST).config(config).layer(big).layer(small)
                .build();
        ImageReference source = client.putManifest(from.tag("v1"), m);
        RecordingListener listener = new RecordingListener();

        long started = System.nanoTime();
        CopyResult result = new ImageCopier(client).withListener(listener).copy(source, to.tag("v1"));
        long elapsedMillis = (System.nanoTime() - started) / 1_000_000;

        assertEquals(3, result.blobsCopied());
        Map<String, List<RecordingListener.Event>> byTask = listener.byTask();
        assertEquals(byTask.keySet().toString(), 3, byTask.size());
        for (Descriptor blob : m.blobs()) {
            String task = "copy " + blob.digest().shortForm();
            RecordingListener.assertTransfer(task, byTask.get(task), blob.size(), elapsedMillis);
        }
        assertTrue("an 8 MiB blob shows progress on the way: " + byTask, byTask.get("copy " + big.digest()
                .shortForm()).stream().anyMatch(e -> e.done() > 0 && e.done() < big.size()));

        RecordingListener promotion = new RecordingListener();
        new ImageCopier(client).withListener(promotion).copy(source, repo(Stack.registry(), "progress-promoted")
                .tag("v1"));
        assertEquals("mounted blobs move no bytes, so report none", List.of(), promotion.events);
    }

    @Test
    public void aCopyInterruptedByTheTargetRegistryDyingFinishesOnRerunWithoutResendingBlobs() throws Exception {
        Repository from = repo(Stack.registry(), "interrupted-src");
        ImageManifest.Builder b = ImageManifest.builder(MediaTypes.OCI_MANIFEST)
                .config(client.pushBlob(from, "{}".getBytes(StandardCharsets.UTF_8)).withMediaType(MediaTypes.OCI_CONFIG));
        for (int i = 0; i < 6; i++) {
            b.layer(client.pushBlob(from, random(1_500_000 + i, 120 + i)).withMediaType(MediaTypes.OCI_LAYER_GZIP));
        }
        ImageManifest m = b.build();
        client.putManifest(from.tag("v1"), m);

        try (RegistryProcess target = RegistryProcess.start(tmp.newFolder("target").toPath())) {
            Repository to = new Repository(target.address(), "team/app");
            RegistryClient impatient = RegistryClient.builder().retries(2, Duration.ofMillis(50)).build();
            AtomicBoolean killed = new AtomicBoolean();
            ImageCopier copier = new ImageCopier(impatient).withParallelism(2).withListener(line -> {
                if (line.startsWith("copied ") && killed.compareAndSet(false, true)) {
                    target.stop();
                }
            });
            try {
                copier.copy(from.tag("v1"), to.tag("v1"));
                fail("the copy went through although the target registry died");
            } catch (EngineException e) {
                assertEquals(e.getMessage(), EngineException.Kind.OUTAGE, e.kind());
                assertTrue(e.getMessage(), e.getMessage().contains(target.address()));
            }
            target.begin();
            assertTrue("no tag may point at an incomplete image", client.headManifest(to.tag("v1")).isEmpty());

            CopyResult rerun = copier.copy(from.tag("v1"), to.tag("v1"));

            assertTrue("blobs sent before the interruption are not sent again: " + rerun, rerun.blobsPresent() >= 1);
            assertEquals(7, rerun.blobsPresent() + rerun.blobsCopied());
            long total = m.blobs().stream().mapToLong(Descriptor::size).sum();
            assertTrue(rerun.bytesCopied() < total);
            assertArrayEquals(m.bytes(), client.getManifest(to.tag("v1")).bytes());
            for (Descriptor blob : m.blobs()) {
                try (var in = client.openBlob(to, blob)) {
                    in.transferTo(java.io.OutputStream.nullOutputStream());
                }
            }
        }
    }

    @Test
    public void withAttachmentsCosignTagsAndReferrersComeAlongAndWithoutThemTheyDoNot() {
        Repository from = repo(Stack.registry(), "attach-src");
        ImageManifest m = image(client, from, MediaTypes.OCI_MANIFEST, 131);
        ImageReference source = client.putManifest(from.tag("v1"), m);
        // cosign's legacy layout: a .sig tag holding a simple-signing layer
        byte[] payload = ("{\"critical\":{\"image\":{\"docker-manifest-digest\":\"" + m.digest() + "\"}}}")
                .getBytes(StandardCharsets.UTF_8);
        ImageManifest sig = ImageManifest.builder(MediaTypes.OCI_MANIFEST)
                .config(client.pushBlob(from, "{}".getBytes(StandardCharsets.UTF_8)).withMediaType(MediaTypes.OCI_CONFIG))
                .layer(client.pushBlob(from, payload).withMediaType(MediaTypes.COSIGN_SIMPLESIGNING)
                        .withAnnotations(java.util.Map.of("dev.cosignproject.cosign/signature", "MEUCIQ")))
                .build();
        client.putManifest(from.tag(m.digest().tagSafe() + ".sig"), sig);
        // an OCI 1.1 referrer: a bundle with the image as subject
        ImageManifest bundle = ImageManifest.builder(MediaTypes.OCI_MANIFEST).artifactType(MediaTypes.SIGSTORE_BUNDLE)
                .config(client.pushBlob(from, "{}".getBytes(StandardCharsets.UTF_8)).withMediaType(MediaTypes.OCI_EMPTY))
                .layer(client.pushBlob(from, random(700, 132)).withMediaType(MediaTypes.SIGSTORE_BUNDLE))
                .subject(m.descriptor()).build();
        client.putManifest(from.digest(bundle.digest()), bundle);

        Repository plain = repo(Stack.registry2(), "attach-none");
        CopyResult without = new ImageCopier(client).copy(source, plain.tag("v1"));
        assertTrue(without.attachments().isEmpty());
        assertTrue(client.headManifest(plain.tag(m.digest().tagSafe() + ".sig")).isEmpty());
        assertTrue(client.referrers(plain, m.digest(), null).isEmpty());

        Repository to = repo(Stack.registry2(), "attach-dst");
        CopyResult with = new ImageCopier(client).withAttachments(true).copy(source, to.tag("v1"));

        assertEquals(2, with.attachments().size());
        Manifest copiedSig = client.getManifest(to.tag(m.digest().tagSafe() + ".sig"));
        assertArrayEquals(sig.bytes(), copiedSig.bytes());
        List<Descriptor> referrers = client.referrers(to, m.digest(), MediaTypes.SIGSTORE_BUNDLE);
        assertEquals(1, referrers.size());
        assertEquals(bundle.digest(), referrers.get(0).digest());
        assertArrayEquals(bundle.bytes(), client.getManifest(to.digest(bundle.digest())).bytes());
    }

    @Test
    public void aPinnedTargetMustNameTheSourceDigest() {
        Repository from = repo(Stack.registry(), "pin-src");
        ImageManifest m = image(client, from, MediaTypes.OCI_MANIFEST, 141);
        ImageReference source = client.putManifest(from.tag("v1"), m);
        ImageManifest other = image(client, from, MediaTypes.OCI_MANIFEST, 142);
        try {
            new ImageCopier(client).copy(source, repo(Stack.registry(), "pin-dst").tag("v1").withDigest(other.digest()));
            fail();
        } catch (EngineException e) {
            assertEquals(EngineException.Kind.BAD_INPUT, e.kind());
            assertTrue(e.getMessage(), e.getMessage().contains("pinned to " + other.digest()));
        }
    }
}
