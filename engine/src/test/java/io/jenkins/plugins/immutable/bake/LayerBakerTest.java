package io.jenkins.plugins.immutable.bake;

import static io.jenkins.plugins.immutable.registry.RegistryClientTest.random;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.ProgressListener;
import io.jenkins.plugins.immutable.image.Descriptor;
import io.jenkins.plugins.immutable.image.ImageIndex;
import io.jenkins.plugins.immutable.image.ImageManifest;
import io.jenkins.plugins.immutable.image.ImageReference;
import io.jenkins.plugins.immutable.image.MediaTypes;
import io.jenkins.plugins.immutable.image.Platform;
import io.jenkins.plugins.immutable.registry.RegistryClient;
import io.jenkins.plugins.immutable.testing.RecordingListener;
import io.jenkins.plugins.immutable.testing.Stack;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** The daemonless baker against the stack's registries, and the images it makes run on the stack's engine. */
public class LayerBakerTest {

    private static final Instant EPOCH_2026 = Instant.parse("2026-01-01T00:00:00Z");

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private final RegistryClient registry = RegistryClient.builder().build();
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final ProgressListener listener = lines::add;

    /** A small application's files: dependencies, a jar, a config, with the given modification time. */
    private Path application(String name, Instant mtime) throws IOException {
        Path root = tmp.newFolder(name).toPath();
        Files.createDirectories(root.resolve("libs/nested"));
        Files.writeString(root.resolve("libs/a-1.0.jar"), "dependency a\n".repeat(100));
        Files.writeString(root.resolve("libs/nested/b-2.0.jar"), "dependency b\n".repeat(100));
        Files.writeString(root.resolve("app.jar"), "the application\n".repeat(50));
        Files.writeString(root.resolve("app.properties"), "greeting=hello\n");
        Path run = Files.writeString(root.resolve("run.sh"), "#!/bin/sh\necho run\n");
        Files.setPosixFilePermissions(run, PosixFilePermissions.fromString("rwx------"));
        Files.setPosixFilePermissions(root.resolve("app.properties"), PosixFilePermissions.fromString("rw-rw-rw-"));
        try (var walk = Files.walk(root)) {
            for (Path p : walk.toList()) {
                Files.setLastModifiedTime(p, FileTime.from(mtime));
            }
        }
        return root;
    }

    private LayerBuildRequest.Builder appRequest(ImageReference base, ImageReference target, Path app) {
        return LayerBuildRequest.builder(base, target)
                .layer("dependencies", app.resolve("libs"), "/app/libs")
                .layer("app", app.resolve("app.jar"), "/app/")
                .layer(LayerSpec.of("config", app.resolve("app.properties"), "/app/config/app.properties",
                        app.resolve("run.sh"), "/app/run.sh"))
                .created(EPOCH_2026);
    }

    private ImageReference busyboxBase() throws Exception {
        ImageReference target = ImageReference.parse(Stack.registry() + "/" + Stack.uniqueRepository("base") + ":1");
        return new LayerBaker(registry).bake(LayerBuildRequest.builder(null, target)
                .layer("busybox", Path.of("/bin/busybox"), "/bin/busybox")
                .env("PATH", "/bin")
                .env("BASE", "yes")
                .label("org.opencontainers.image.version", "base-version")
                .cmd("/bin/busybox", "sh")
                .build(), listener).image();
    }

    @Test
    public void theSameInputsInTwoDirectoriesWithOtherTimesGiveTheSameDigests() throws Exception {
        Path first = application("first", Instant.parse("2020-05-05T10:00:00Z"));
        Path second = application("second", Instant.parse("2024-12-24T18:30:00Z"));
        ImageReference one = ImageReference.parse(Stack.registry() + "/" + Stack.uniqueRepository("repro") + ":1");
        ImageReference two = ImageReference.parse(Stack.registry() + "/" + Stack.uniqueRepository("repro") + ":1");

        BakeResult a = new LayerBaker(registry).bake(appRequest(null, one, first).build(), listener);
        BakeResult b = new LayerBaker(registry).bake(appRequest(null, two, second).build(), listener);

        assertEquals(a.image().digest(), b.image().digest());
        ImageManifest manifest = (ImageManifest) registry.getManifest(a.image());
        assertEquals(manifest.bytes().length, registry.getManifest(b.image()).bytes().length);
        assertEquals(3, manifest.layers().size());

        // normalised: sorted, parents present, 0:0, fixed time, 0755/0644, whatever the files said
        List<String> names = new ArrayList<>();
        for (TarArchiveEntry e : entries(one, manifest.layers().get(2))) {
            names.add(e.getName() + " " + Integer.toOctalString(e.getMode() & 07777) + " " + e.getLongUserId() + ":"
                    + e.getLongGroupId() + " " + e.getModTime().toInstant());
        }
        assertEquals(List.of(
                "app/ 755 0:0 2026-01-01T00:00:00Z",
                "app/config/ 755 0:0 2026-01-01T00:00:00Z",
                "app/config/app.properties 644 0:0 2026-01-01T00:00:00Z",
                "app/run.sh 755 0:0 2026-01-01T00:00:00Z"), names);
        List<String> deps = entries(one, manifest.layers().get(0)).stream().map(TarArchiveEntry::getName).toList();
        assertEquals(List.of("app/", "app/libs/", "app/libs/a-1.0.jar", "app/libs/nested/",
                "app/libs/nested/b-2.0.jar"), deps);
        // the layer blob's gzip header carries no time and no OS of the machine
        try (InputStream in = registry.openBlob(one.repository(), manifest.layers().get(0))) {
            byte[] header = in.readNBytes(10);
            assertEquals(List.of(0, 0, 0, 0, 255), List.of(header[4] & 0xff, header[5] & 0xff, header[6] & 0xff,
                    header[7] & 0xff, header[9] & 0xff));
            in.transferTo(java.io.OutputStream.nullOutputStream());
        }
    }

    @Test
    public void changingOneByteOfOneFileChangesExactlyOneLayerAndPushesOnlyIt() throws Exception {
        ImageReference base = busyboxBase();
        Path app = application("app", Instant.parse("2021-01-01T00:00:00Z"));
        ImageReference target = ImageReference.parse(Stack.registry() + "/" + Stack.uniqueRepository("app") + ":1");
        BakeResult first = new LayerBaker(registry).bake(appRequest(base, target, app).build(), listener);
        assertEquals(4, first.layers());
        assertEquals("the base layer is mounted, the three new ones pushed", 3, first.layersPushed());
        assertTrue(lines.toString(), lines.stream().anyMatch(l -> l.contains("mounted from " + base.repository())));

        byte[] jar = Files.readAllBytes(app.resolve("app.jar"));
        jar[7] ^= 1;
        Files.write(app.resolve("app.jar"), jar);
        BakeResult second = new LayerBaker(registry).bake(appRequest(base, target.withTag("2"), app).build(), listener);

        List<Descriptor> before = ((ImageManifest) registry.getManifest(first.image())).layers();
        List<Descriptor> after = ((ImageManifest) registry.getManifest(second.image())).layers();
        assertEquals(before.size(), after.size());
        int changed = 0;
        for (int i = 0; i < before.size(); i++) {
            if (!before.get(i).digest().equals(after.get(i).digest())) {
                changed++;
                assertEquals("the app layer", 2, i);
            }
        }
        assertEquals(1, changed);
        assertEquals(1, second.layersPushed());
        assertNotEquals(first.image().digest(), second.image().digest());
    }

    @Test
    public void anImageOnABaseRunsOnTheEngineWithItsConfigAnnotationsAndProvenance() throws Exception {
        ImageReference base = busyboxBase();
        Path app = application("app", Instant.now());
        // another registry: the base's layer is copied across, registry to registry
        ImageReference target = ImageReference.parse(Stack.registry2() + "/" + Stack.uniqueRepository("run") + ":1.2.3");
        Source source = new Source("https://example.org/team/app.git", "0123456789abcdef0123456789abcdef01234567",
                "1.2.3");
        BakeResult result = new LayerBaker(registry).bake(appRequest(ImageReference.of(base.repository(), "1", null),
                target, app)
                .entrypoint("/bin/busybox", "sh", "-c")
                .cmd("/bin/busybox cat config/app.properties; echo \"$GREETING from $(pwd) as $(/bin/busybox id -u)"
                        + " base=$BASE\"")
                .env("GREETING", "hi")
                .workdir("/app")
                .user("1000")
                .expose("8080")
                .expose("53/udp")
                .label("team", "delivery")
                .source(source)
                .invocation(new Invocation("https://ci.example.org/job/app/9/", "0.1.0", "bob", "app#9"))
                .build(), listener);

        assertTrue(lines.stream().anyMatch(l -> l.contains("copied from " + base.repository())));
        ImageManifest manifest = (ImageManifest) registry.getManifest(target);
        assertEquals(result.image().digest(), manifest.digest());
        Map<String, String> annotations = manifest.annotations();
        assertEquals("2026-01-01T00:00:00Z", annotations.get("org.opencontainers.image.created"));
        assertEquals(source.commit(), annotations.get("org.opencontainers.image.revision"));
        assertEquals(source.repository(), annotations.get("org.opencontainers.image.source"));
        assertEquals("1.2.3", annotations.get("org.opencontainers.image.version"));
        assertEquals(base.digest().toString(), annotations.get("org.opencontainers.image.base.digest"));
        assertEquals(base.repository() + ":1", annotations.get("org.opencontainers.image.base.name"));

        JsonNode config = new ObjectMapper().readTree(registry.readBlob(target.repository(), manifest.config()));
        assertEquals("[\"PATH=/bin\",\"BASE=yes\",\"GREETING=hi\"]", config.path("config").path("Env").toString());
        assertEquals("{\"8080/tcp\":{},\"53/udp\":{}}", config.path("config").path("ExposedPorts").toString());
        assertEquals("1.2.3", config.path("config").path("Labels").path("org.opencontainers.image.version").asText());
        assertEquals("delivery", config.path("config").path("Labels").path("team").asText());
        assertEquals(4, config.path("rootfs").path("diff_ids").size());

        Provenance provenance = result.provenance();
        assertEquals(Provenance.LAYER_BUILD_TYPE, provenance.buildType());
        assertEquals(List.of(new Provenance.Artifact(base.repository().toString(), base.digest())),
                provenance.baseImages());
        assertEquals(target.repository().toString(), provenance.image().name());
        assertTrue(provenance.parameters().get("layers").startsWith("dependencies=sha256:"));
        assertEquals("bob", provenance.invokedBy());

        String output = docker("run", "--rm", result.image().withoutTag().toString());
        assertEquals("greeting=hello\nhi from /app as 1000 base=yes\n", output);
    }

    @Test
    public void aMultiPlatformBaseGivesTheRequestedPlatformOrSaysWhichItHas() throws Exception {
        ImageReference base = busyboxBase();
        ImageManifest baseManifest = (ImageManifest) registry.getManifest(base);
        ImageIndex index = ImageIndex.builder(MediaTypes.OCI_INDEX)
                .manifest(baseManifest.descriptor().withPlatform(new Platform("linux", "amd64")))
                .build();
        ImageReference indexRef = registry.putManifest(ImageReference.of(base.repository(), "multi", null), index);
        Path app = application("app", Instant.now());
        ImageReference target = ImageReference.parse(Stack.registry() + "/" + Stack.uniqueRepository("idx") + ":1");

        BakeResult result = new LayerBaker(registry).bake(appRequest(indexRef, target, app).build(), listener);
        assertEquals(indexRef.digest(), result.provenance().baseImages().get(0).digest());
        assertEquals(baseManifest.layers().get(0).digest(),
                ((ImageManifest) registry.getManifest(result.image())).layers().get(0).digest());

        EngineException e = assertThrows(EngineException.class, () -> new LayerBaker(registry).bake(
                appRequest(indexRef, target, app).platform(Platform.parse("linux/arm64")).build(), listener));
        assertTrue(e.getMessage(), e.getMessage().contains("has no image for linux/arm64; it has [linux/amd64]"));
    }

    @Test
    public void withoutATagTheImageIsPushedByDigestAloneAndLatestNeedsConsent() throws Exception {
        Path app = application("app", Instant.now());
        ImageReference repo = ImageReference.parse(Stack.registry() + "/" + Stack.uniqueRepository("untagged") + ":x");
        BakeResult result = new LayerBaker(registry).bake(appRequest(null, repo, app).tag(null).build(), listener);
        assertNull(result.image().tag());
        assertEquals(result.image().digest(), registry.getManifest(result.image()).digest());
        assertTrue(registry.listTags(repo.repository()).isEmpty());

        EngineException e = assertThrows(EngineException.class, () -> appRequest(null, repo.withTag("latest"), app)
                .build());
        assertTrue(e.getMessage().startsWith("'latest' is refused as a release tag"));
        assertThrows(EngineException.class, () -> LayerBuildRequest.builder(null, repo).expose("http").build());
        EngineException missing = assertThrows(EngineException.class, () -> new LayerBaker(registry).bake(
                LayerBuildRequest.builder(null, repo).layer("app", app.resolve("missing.jar"), "/app/").build(),
                listener));
        assertTrue(missing.getMessage(), missing.getMessage().contains("missing.jar, which does not exist"));
    }

    @Test
    public void anUnchangedLayerComesFromTheCacheWithTheSameDigest() throws Exception {
        Path app = application("app", Instant.parse("2022-02-02T00:00:00Z"));
        Path cache = tmp.newFolder("cache").toPath();
        ImageReference target = ImageReference.parse(Stack.registry() + "/" + Stack.uniqueRepository("cache") + ":1");
        BakeResult first = new LayerBaker(registry).bake(appRequest(null, target, app).cacheDirectory(cache).build(),
                listener);
        lines.clear();
        Files.writeString(app.resolve("app.jar"), "the application, changed\n");
        BakeResult second = new LayerBaker(registry).bake(appRequest(null, target.withTag("2"), app)
                .cacheDirectory(cache).build(), listener);
        assertEquals(2, lines.stream().filter(l -> l.contains("unchanged, from the cache")).count());
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("Layer app: ") && !l.contains("cache")));
        // the cache changes nothing in the result: built afresh, the same digest
        BakeResult fresh = new LayerBaker(registry).bake(appRequest(null, target.withTag("3"), app).build(), listener);
        assertEquals(second.image().digest(), fresh.image().digest());
        assertNotEquals(first.image().digest(), second.image().digest());
    }

    @Test
    public void uploadsAndBaseLayersCopiedAcrossReportTheirBytesAsProgress() throws Exception {
        ImageReference base = busyboxBase();
        Path data = tmp.newFolder("data").toPath();
        Files.write(data.resolve("random.bin"), random(4 * 1024 * 1024, 4242)); // incompressible: the gzipped layer stays about as large
        ImageReference target = ImageReference.parse(Stack.registry2() + "/" + Stack.uniqueRepository("progress")
                + ":1");
        RecordingListener recording = new RecordingListener();

        long started = System.nanoTime();
        BakeResult result = new LayerBaker(registry).bake(LayerBuildRequest.builder(base, target)
                .layer("data", data, "/data").created(EPOCH_2026).build(), recording);
        long elapsedMillis = (System.nanoTime() - started) / 1_000_000;

        ImageManifest manifest = (ImageManifest) registry.getManifest(result.image());
        Descriptor baseLayer = manifest.layers().get(0);
        Descriptor dataLayer = manifest.layers().get(1);
        Map<String, List<RecordingListener.Event>> byTask = recording.byTask();
        assertEquals(byTask.keySet().toString(), Set.of("copy " + baseLayer.digest().shortForm(),
                "push data"), byTask.keySet());
        RecordingListener.assertTransfer("copy base layer", byTask.get("copy " + baseLayer.digest().shortForm()),
                baseLayer.size(), elapsedMillis);
        RecordingListener.assertTransfer("push data", byTask.get("push data"), dataLayer.size(), elapsedMillis);
        assertTrue("a 4 MiB layer shows progress on the way: " + byTask.get("push data"), byTask.get("push data")
                .stream().anyMatch(e -> e.done() > 0 && e.done() < dataLayer.size()));

        RecordingListener again = new RecordingListener();
        BakeResult rebuilt = new LayerBaker(registry).bake(LayerBuildRequest.builder(base, target)
                .layer("data", data, "/data").created(EPOCH_2026).build(), again);
        assertEquals(result.image().digest(), rebuilt.image().digest());
        assertEquals("nothing pushed, nothing reported", List.of(), again.events);
    }

    private List<TarArchiveEntry> entries(ImageReference ref, Descriptor layer) throws IOException {
        List<TarArchiveEntry> entries = new ArrayList<>();
        try (InputStream in = new GZIPInputStream(registry.openBlob(ref.repository(), layer));
                TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
            for (TarArchiveEntry e; (e = tar.getNextEntry()) != null; ) {
                entries.add(e);
            }
        }
        return entries;
    }

    private static String docker(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("docker"));
        command.addAll(List.of(args));
        Path errors = Files.createTempFile("docker-cli", ".err");
        ProcessBuilder pb = new ProcessBuilder(command).redirectError(errors.toFile());
        pb.environment().put("DOCKER_HOST", Stack.dockerHost());
        Process process = pb.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(5, TimeUnit.MINUTES) || process.exitValue() != 0) {
            throw new AssertionError(command + " failed: " + output + Files.readString(errors));
        }
        Files.delete(errors);
        return output;
    }
}
