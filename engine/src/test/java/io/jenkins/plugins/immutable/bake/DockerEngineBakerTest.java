package io.jenkins.plugins.immutable.bake;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.ProgressListener;
import io.jenkins.plugins.immutable.image.Descriptor;
import io.jenkins.plugins.immutable.image.ImageManifest;
import io.jenkins.plugins.immutable.image.ImageReference;
import io.jenkins.plugins.immutable.image.MediaTypes;
import io.jenkins.plugins.immutable.registry.RegistryClient;
import io.jenkins.plugins.immutable.registry.RegistryCredentials;
import io.jenkins.plugins.immutable.testing.Stack;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** Builds on the stack's Docker engine and pushes to its registries. */
public class DockerEngineBakerTest {

    private static final String MULTI_STAGE = """
            ARG BASE=scratch
            FROM ${BASE} AS build
            COPY busybox /bin/busybox
            ARG GREETING=hello
            RUN ["/bin/busybox", "sh", "-c", "echo \\"$GREETING\\" > /greeting"]

            FROM scratch AS runtime
            COPY --from=build /bin/busybox /bin/busybox
            COPY --from=build /greeting /greeting
            CMD ["/bin/busybox", "cat", "/greeting"]

            # never built when the target is runtime: it would fail
            FROM runtime AS broken
            RUN ["/bin/busybox", "false"]
            """;

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final ProgressListener listener = lines::add;

    private Path context(String dockerfile) throws IOException {
        Path context = tmp.newFolder().toPath();
        Files.copy(Path.of("/bin/busybox"), context.resolve("busybox"), StandardCopyOption.COPY_ATTRIBUTES);
        Files.writeString(context.resolve("Dockerfile"), dockerfile);
        return context;
    }

    private static DockerEngineBaker baker(RegistryClient registry, Map<String, RegistryCredentials> credentials) {
        return new DockerEngineBaker(DockerEngine.at(Stack.dockerHost()), registry, credentials);
    }

    @Test
    public void multiStageBuildFromScratchWithBuildArgsAndLabelsIsPushedPinnedAndAnnotated() throws Exception {
        RegistryClient registry = RegistryClient.builder().build();
        ImageReference target = ImageReference.parse(Stack.registry() + "/" + Stack.uniqueRepository("bake") + ":1.0.0");
        Source source = new Source("https://example.org/team/app.git", "0123456789abcdef0123456789abcdef01234567", "1.0.0");
        Instant created = Instant.parse("2026-09-01T12:00:00Z");

        BakeResult result = baker(registry, Map.of()).bake(DockerBuildRequest.builder(context(MULTI_STAGE), target)
                .buildArg("GREETING", "hello from a build arg")
                .targetStage("runtime")
                .label("team", "delivery")
                .platform("linux/amd64")
                .source(source)
                .created(created)
                .invocation(new Invocation("https://ci.example.org/job/app/7/", "0.1.0", "alice", "app#7"))
                .build(), listener);

        // pinned, under the tag, and the registry serves that very manifest for the tag
        assertTrue(result.image().isPinned());
        assertEquals("1.0.0", result.image().tag());
        ImageManifest manifest = (ImageManifest) registry.getManifest(target);
        assertEquals(result.image().digest(), manifest.digest());
        assertEquals(MediaTypes.OCI_MANIFEST, manifest.mediaType());
        assertEquals("2026-09-01T12:00:00Z", manifest.annotations().get("org.opencontainers.image.created"));
        assertEquals(source.commit(), manifest.annotations().get("org.opencontainers.image.revision"));
        assertEquals(source.repository(), manifest.annotations().get("org.opencontainers.image.source"));
        assertEquals("1.0.0", manifest.annotations().get("org.opencontainers.image.version"));
        assertNull("FROM scratch has no base", manifest.annotations().get("org.opencontainers.image.base.name"));

        // the labels, and the build argument reached the RUN
        JsonNode config = new ObjectMapper().readTree(registry.readBlob(target.repository(), manifest.config()));
        JsonNode labels = config.path("config").path("Labels");
        assertEquals("delivery", labels.path("team").asText());
        assertEquals(source.commit(), labels.path("org.opencontainers.image.revision").asText());
        assertEquals("amd64", config.path("architecture").asText());
        assertEquals("hello from a build arg\n", fileInLayers(registry, target, manifest, "greeting"));

        // the build output was streamed line by line
        assertTrue(lines.toString(), lines.stream().anyMatch(l -> l.startsWith("Step 1/") && l.endsWith("ARG BASE=scratch")));
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("Successfully built ")));
        assertFalse("the broken stage after the target was not built", lines.stream().anyMatch(l -> l.contains("false")));

        // Docker's push names the digest of the manifest it pushed; the line after it says why the image has another
        String dockers = lines.stream().map(l -> java.util.regex.Pattern.compile("digest: (sha256:[0-9a-f]{64}) size:")
                .matcher(l)).filter(java.util.regex.Matcher::find).map(m -> m.group(1)).findFirst().orElseThrow();
        assertFalse(dockers.equals(result.image().digest().toString()));
        assertTrue(lines.toString(), lines.contains("The Docker engine pushed manifest " + dockers + " (its own format,"
                + " which the classic builder cannot annotate); it was re-published as an OCI manifest with the"
                + " org.opencontainers.image.* annotations, same config and layers, whose digest "
                + result.image().digest() + " is the image's: the tag names it, and it is what gets signed and"
                + " promoted"));

        Provenance provenance = result.provenance();
        assertEquals(target.repository().toString(), provenance.image().name());
        assertEquals(result.image().digest(), provenance.image().digest());
        assertEquals(Map.of("GREETING", "hello from a build arg"), provenance.buildArgs());
        assertEquals(Provenance.DOCKER_ENGINE_BUILD_TYPE, provenance.buildType());
        assertEquals("runtime", provenance.parameters().get("target"));
        assertEquals("linux/amd64", provenance.parameters().get("platform"));
        assertEquals("https://ci.example.org/job/app/7/", provenance.builderId());
        assertEquals("alice", provenance.invokedBy());
        assertTrue(provenance.baseImages().isEmpty());
        assertEquals(io.jenkins.plugins.immutable.image.Digest.sha256(MULTI_STAGE.getBytes(StandardCharsets.UTF_8)),
                provenance.dockerfileDigest());
        assertEquals(2, result.layers());
    }

    @Test
    public void aBaseImageFromTheRegistryIsRecordedByDigestInTheProvenanceAndAnnotations() throws Exception {
        RegistryClient registry = RegistryClient.builder().build();
        ImageReference baseTarget = ImageReference.parse(Stack.registry() + "/" + Stack.uniqueRepository("base") + ":1");
        BakeResult base = baker(registry, Map.of()).bake(DockerBuildRequest.builder(
                context("FROM scratch\nCOPY busybox /bin/busybox\n"), baseTarget).build(), listener);

        ImageReference appTarget = ImageReference.parse(Stack.registry() + "/" + Stack.uniqueRepository("app") + ":2");
        BakeResult app = baker(registry, Map.of()).bake(DockerBuildRequest.builder(
                context("ARG BASE\nFROM $BASE\nCMD [\"/bin/busybox\", \"true\"]\n"), appTarget)
                .buildArg("BASE", baseTarget.toString()).build(), listener);

        assertEquals(List.of(new Provenance.Artifact(baseTarget.repository().toString(), base.image().digest())),
                app.provenance().baseImages());
        assertEquals(base.image().digest().toString(), app.annotations().get("org.opencontainers.image.base.digest"));
        assertEquals(baseTarget.toString(), app.annotations().get("org.opencontainers.image.base.name"));
        ImageManifest manifest = (ImageManifest) registry.getManifest(app.image());
        assertEquals(app.annotations(), manifest.annotations());
        // the base's layer is the app's first layer: nothing re-uploaded, nothing rebuilt
        assertEquals(((ImageManifest) registry.getManifest(base.image())).layers().get(0).digest(),
                manifest.layers().get(0).digest());
    }

    @Test
    public void anUnknownInstructionFailsNamingItsLine() throws Exception {
        RegistryClient registry = RegistryClient.builder().build();
        ImageReference target = ImageReference.parse(Stack.registry() + "/" + Stack.uniqueRepository("bad") + ":1");
        EngineException e = assertThrows(EngineException.class, () -> baker(registry, Map.of()).bake(
                DockerBuildRequest.builder(context("FROM scratch\nCOPY busybox /bin/busybox\n\nCOPPY x /x\n"), target)
                        .build(), listener));
        assertEquals(EngineException.Kind.BAD_INPUT, e.kind());
        assertTrue(e.getMessage(), e.getMessage().startsWith("Dockerfile line 4 (COPPY x /x): unknown instruction"));
    }

    @Test
    public void aFailingInstructionFailsNamingItsLineAndTheEngineMessage() throws Exception {
        RegistryClient registry = RegistryClient.builder().build();
        ImageReference target = ImageReference.parse(Stack.registry() + "/" + Stack.uniqueRepository("bad") + ":1");
        EngineException e = assertThrows(EngineException.class, () -> baker(registry, Map.of()).bake(
                DockerBuildRequest.builder(context("""
                        FROM scratch
                        COPY busybox /bin/busybox
                        RUN ["/bin/busybox", "sh", "-c", \\
                             "exit 3"]
                        """), target).build(), listener));
        assertTrue(e.getMessage(), e.getMessage().startsWith("the build failed at Dockerfile lines 3-4 (RUN"));
        assertTrue(e.getMessage(), e.getMessage().contains("returned a non-zero code: 3"));

        EngineException missing = assertThrows(EngineException.class, () -> baker(registry, Map.of()).bake(
                DockerBuildRequest.builder(context("FROM scratch\nCOPY busybox /bin/busybox\nCOPY missing /m\n"), target)
                        .build(), listener));
        assertTrue(missing.getMessage(), missing.getMessage().startsWith("the build failed at Dockerfile line 3 (COPY missing /m)"));
    }

    @Test
    public void pushesToARegistryThatNeedsCredentialsAndNeverShowsThePassword() throws Exception {
        String password = Stack.authRegistryPassword();
        RegistryCredentials good = RegistryCredentials.basic(Stack.authRegistryUser(), password);
        RegistryClient registry = RegistryClient.builder().credentials(Stack.authRegistry(), good).build();
        ImageReference target = ImageReference.parse(Stack.authRegistry() + "/" + Stack.uniqueRepository("auth") + ":1");
        Path context = context("FROM scratch\nCOPY busybox /bin/busybox\n");

        BakeResult result = baker(registry, Map.of(Stack.authRegistry(), good))
                .bake(DockerBuildRequest.builder(context, target).build(), listener);
        assertEquals(result.image().digest(), registry.getManifest(target).digest());

        String wrongPassword = password + "-wrong";
        EngineException refused = assertThrows(EngineException.class, () -> baker(registry,
                Map.of(Stack.authRegistry(), RegistryCredentials.basic(Stack.authRegistryUser(), wrongPassword)))
                .bake(DockerBuildRequest.builder(context, target.withTag("2")).build(), listener));
        assertEquals(EngineException.Kind.BAD_INPUT, refused.kind());
        assertTrue(refused.getMessage(), refused.getMessage().contains("check the credentials for " + Stack.authRegistry()));
        assertFalse(refused.getMessage().contains(wrongPassword));
        assertFalse(refused.getMessage().contains(password));
        assertTrue(lines.stream().noneMatch(l -> l.contains(password)));
    }

    @Test
    public void latestIsRefusedAsAReleaseTagUnlessAllowed() throws Exception {
        ImageReference target = ImageReference.parse(Stack.registry() + "/" + Stack.uniqueRepository("latest") + ":latest");
        Path context = context("FROM scratch\nCOPY busybox /bin/busybox\n");
        EngineException e = assertThrows(EngineException.class, () -> DockerBuildRequest.builder(context, target).build());
        assertTrue(e.getMessage(), e.getMessage().startsWith("'latest' is refused as a release tag"));

        BakeResult allowed = baker(RegistryClient.builder().build(), Map.of())
                .bake(DockerBuildRequest.builder(context, target).allowLatest(true).build(), listener);
        assertTrue(allowed.image().isPinned());
        assertEquals("latest", allowed.image().tag());
    }

    /** The content of a file as the image's layers leave it (the last layer holding it wins). */
    private static String fileInLayers(RegistryClient registry, ImageReference ref, ImageManifest manifest, String name)
            throws IOException {
        String found = null;
        for (Descriptor layer : manifest.layers()) {
            try (InputStream in = new GZIPInputStream(registry.openBlob(ref.repository(), layer));
                    TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
                for (TarArchiveEntry entry; (entry = tar.getNextEntry()) != null; ) {
                    if (entry.getName().equals(name) || entry.getName().equals("./" + name)) {
                        found = new String(tar.readAllBytes(), StandardCharsets.UTF_8);
                    }
                }
            }
        }
        return found;
    }
}
