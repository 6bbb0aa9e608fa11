package io.jenkins.plugins.immutable.bake;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.BuildImageCmd;
import com.github.dockerjava.api.command.InspectImageResponse;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.AuthConfig;
import com.github.dockerjava.api.model.AuthConfigurations;
import com.github.dockerjava.api.model.BuildResponseItem;
import com.github.dockerjava.api.model.PushResponseItem;
import com.github.dockerjava.api.model.ResponseItem;
import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.ProgressListener;
import io.jenkins.plugins.immutable.image.Descriptor;
import io.jenkins.plugins.immutable.image.Digest;
import io.jenkins.plugins.immutable.image.ImageManifest;
import io.jenkins.plugins.immutable.image.ImageReference;
import io.jenkins.plugins.immutable.image.Manifest;
import io.jenkins.plugins.immutable.image.MediaTypes;
import io.jenkins.plugins.immutable.image.Repository;
import io.jenkins.plugins.immutable.registry.RegistryClient;
import io.jenkins.plugins.immutable.registry.RegistryCredentials;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Bakes an image on a Docker engine from a context directory and a Dockerfile, pushes it, and returns it pinned by
 * digest with its provenance.
 *
 * <p>The context is sent as the Docker CLI sends it ({@code .dockerignore} honoured); the build output reaches the
 * listener line by line; a failed build names the Dockerfile line at fault. After the engine pushes, the manifest is
 * re-published as an OCI image manifest carrying the {@code org.opencontainers.image.*} annotations (same config, same
 * layers, nothing re-uploaded): the classic builder cannot annotate manifests itself. The tag then points at that
 * manifest, whose digest is the one returned.
 */
public final class DockerEngineBaker {

    private static final Pattern STEP = Pattern.compile("^Step (\\d+)/(\\d+) : (.*)$");
    private static final Pattern PARSE_ERROR = Pattern.compile("(?:dockerfile )?parse error (?:on )?line (\\d+): (.*)",
            Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    private static final Pattern JSON_MESSAGE = Pattern.compile("\"message\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");

    private final DockerEngine engine;
    private final RegistryClient registry;
    private final Map<String, RegistryCredentials> credentials;

    /**
     * @param engine      the Docker engine that builds and pushes
     * @param registry    the registry client that annotates the pushed manifest (configured with the same credentials)
     * @param credentials credentials by registry ({@code host[:port]}), given to the engine for the push and for
     *                    pulling base images; registries not listed are used anonymously
     */
    public DockerEngineBaker(DockerEngine engine, RegistryClient registry, Map<String, RegistryCredentials> credentials) {
        this.engine = Objects.requireNonNull(engine, "engine");
        this.registry = Objects.requireNonNull(registry, "registry");
        this.credentials = Map.copyOf(credentials);
    }

    /** Builds, pushes and annotates the image; the result is pinned by digest. */
    public BakeResult bake(DockerBuildRequest request, ProgressListener listener) throws InterruptedException {
        Instant started = Instant.now();
        BuildContext context = new BuildContext(request.context(), request.dockerfile());
        byte[] dockerfileBytes = context.dockerfileBytes();
        Dockerfile dockerfile = Dockerfile.parse(dockerfileBytes);
        List<Dockerfile.Stage> stages = stagesToBuild(dockerfile, request.targetStage(), context.dockerfile());
        Instant created = request.created() != null ? request.created() : started.truncatedTo(ChronoUnit.SECONDS);

        Map<String, String> labels = new TreeMap<>(OciAnnotations.of(created, request.source(), null));
        labels.putAll(request.labels()); // what the user labels explicitly wins

        Path tar = null;
        try (DockerClient docker = engine.connect()) {
            ping(docker);
            tar = Files.createTempFile("bake-context", ".tar");
            BuildContext.Summary summary;
            try (OutputStream out = Files.newOutputStream(tar)) {
                summary = context.writeTo(out);
            }
            listener.line("Sending build context to Docker engine " + engine + ": " + summary.files() + " files, "
                    + humanBytes(summary.bytes()));

            String tag = request.tag();
            String imageId = build(docker, request, context, dockerfile, labels, tar, listener);
            if (tag == null) {
                tag = "build-" + imageId.substring(imageId.indexOf(':') + 1, imageId.indexOf(':') + 13);
            }
            docker.tagImageCmd(imageId, request.repository().toString(), tag).withForce(true).exec();

            List<Provenance.Artifact> bases = new ArrayList<>();
            List<String> unpinned = new ArrayList<>();
            Map<String, ImageReference> resolved = resolveBaseImages(docker, dockerfile, stages, request.buildArgs(),
                    bases, unpinned, listener);
            ImageReference base = finalBase(stages, dockerfile, request.buildArgs(), resolved);

            PushOutcome pushed = push(docker, request.repository(), tag, listener);
            Map<String, String> annotations = OciAnnotations.of(created, request.source(), base);
            ImageReference image = annotate(ImageReference.of(request.repository(), tag, pushed.digest()), annotations);
            // Docker's push prints the digest of the manifest it pushed; the image's digest is another one. Say why.
            listener.line("The Docker engine pushed manifest " + pushed.digest() + " (its own format, which the classic"
                    + " builder cannot annotate); it was re-published as an OCI manifest with the"
                    + " org.opencontainers.image.* annotations, same config and layers, whose digest "
                    + image.digest() + " is the image's: the tag names it, and it is what gets signed and promoted");
            listener.line("Pushed " + image);

            Map<String, String> parameters = new LinkedHashMap<>();
            parameters.put("dockerfile", relativeOrAbsolute(request.context(), context.dockerfile()));
            parameters.put("tag", tag);
            if (request.targetStage() != null) {
                parameters.put("target", request.targetStage());
            }
            if (request.platform() != null) {
                parameters.put("platform", request.platform());
            }
            if (!request.labels().isEmpty()) {
                parameters.put("labels", new TreeMap<>(request.labels()).toString());
            }
            if (!unpinned.isEmpty()) {
                parameters.put("unpinnedBaseImages", String.join(",", unpinned));
            }
            Invocation invocation = request.invocation();
            Provenance provenance = new Provenance(
                    new Provenance.Artifact(request.repository().toString(), image.digest()),
                    request.source().repository(), request.source().commit(), bases, request.buildArgs(),
                    Digest.sha256(dockerfileBytes), invocation.builderId(), invocation.builderVersion(),
                    invocation.invokedBy(), Provenance.DOCKER_ENGINE_BUILD_TYPE, invocation.invocationId(), started,
                    Instant.now(), parameters);
            return new BakeResult(image, provenance, annotations, pushed.layers(), pushed.layersPushed(), -1);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the build context to a temporary file: " + e.getMessage(), e);
        } finally {
            if (tar != null) {
                try {
                    Files.deleteIfExists(tar);
                } catch (IOException ignored) {
                    // a temporary file; the system cleans it
                }
            }
        }
    }

    private static String relativeOrAbsolute(Path context, Path dockerfile) {
        Path base = context.toAbsolutePath().normalize();
        return dockerfile.startsWith(base) ? base.relativize(dockerfile).toString() : dockerfile.toString();
    }

    /** Checks the engine answers, within a minute: builds themselves may run quietly for long. */
    private void ping(DockerClient docker) throws InterruptedException {
        CompletableFuture<Void> ping = CompletableFuture.runAsync(() -> docker.pingCmd().exec());
        try {
            ping.get(60, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            ping.cancel(true);
            throw EngineException.outage("the Docker engine at " + engine + " did not answer within 60 s; check that it"
                    + " is running and that DOCKER_HOST points at it", e);
        } catch (ExecutionException e) {
            throw EngineException.outage("cannot reach the Docker engine at " + engine + ": " + rootMessage(e)
                    + "; start it, or set DOCKER_HOST (and DOCKER_TLS_VERIFY, DOCKER_CERT_PATH for TLS) to where it"
                    + " listens", e.getCause());
        }
    }

    /** The stages the engine builds: all of them, or up to and including the target. */
    private static List<Dockerfile.Stage> stagesToBuild(Dockerfile dockerfile, String target, Path path) {
        List<Dockerfile.Stage> stages = dockerfile.stages();
        if (stages.isEmpty()) {
            throw EngineException.badInput(path + " has no FROM instruction; a Dockerfile starts its first stage with"
                    + " FROM (FROM scratch for an empty base)");
        }
        if (target == null) {
            return stages;
        }
        for (int i = 0; i < stages.size(); i++) {
            if (target.equalsIgnoreCase(stages.get(i).name())) {
                return stages.subList(0, i + 1);
            }
        }
        List<String> names = stages.stream().map(Dockerfile.Stage::name).filter(Objects::nonNull).toList();
        throw EngineException.badInput("the target stage '" + target + "' is not in " + path + "; its named stages are "
                + (names.isEmpty() ? "none (name one with FROM ... AS <name>)" : names));
    }

    private String build(DockerClient docker, DockerBuildRequest request, BuildContext context, Dockerfile dockerfile,
            Map<String, String> labels, Path tar, ProgressListener listener) throws InterruptedException, IOException {
        BuildOutput output = new BuildOutput(listener);
        try (InputStream in = Files.newInputStream(tar)) {
            BuildImageCmd cmd = docker.buildImageCmd(in)
                    .withDockerfilePath(context.dockerfileName())
                    .withLabels(labels)
                    .withPull(request.pull())
                    .withNoCache(request.noCache())
                    .withRemove(true)
                    .withForcerm(true);
            request.buildArgs().forEach(cmd::withBuildArg);
            if (request.targetStage() != null) {
                cmd.withTarget(request.targetStage());
            }
            if (request.platform() != null) {
                cmd.withPlatform(request.platform());
            }
            AuthConfigurations auths = new AuthConfigurations();
            credentials.forEach((registryName, creds) -> {
                AuthConfig auth = authConfig(registryName, creds);
                if (auth != null) {
                    auths.addConfig(auth);
                }
            });
            cmd.withBuildAuthConfigs(auths);
            try {
                cmd.exec(output).awaitCompletion();
            } catch (InterruptedException e) {
                output.close();
                throw e;
            } catch (DockerException e) {
                throw buildFailure(jsonMessage(e.getMessage()), output, dockerfile, context);
            } catch (RuntimeException e) {
                if (e.getCause() instanceof IOException) {
                    throw EngineException.outage("the Docker engine at " + engine + " stopped answering during the"
                            + " build: " + rootMessage(e) + "; check that it is running, then build again", e);
                }
                throw e;
            }
        }
        output.flush();
        if (output.error != null) {
            throw buildFailure(output.error, output, dockerfile, context);
        }
        if (output.imageId == null) {
            throw EngineException.outage("the Docker engine at " + engine + " ended the build without naming the image"
                    + " it built; see the build output above, and build again", null);
        }
        // The classic builder names the image by a short id; the full one is what the engine tags and pushes.
        return docker.inspectImageCmd(output.imageId).exec().getId();
    }

    /** An error that says which Dockerfile line failed, and what the engine said about it. */
    private static EngineException buildFailure(String message, BuildOutput output, Dockerfile dockerfile,
            BuildContext context) {
        String file = context.dockerfile().getFileName().toString();
        Matcher parse = PARSE_ERROR.matcher(message.strip());
        if (parse.find()) {
            int line = Integer.parseInt(parse.group(1));
            String text = dockerfile.instructions().stream().filter(i -> i.line() <= line && line <= i.endLine())
                    .map(Dockerfile.Instruction::original).findFirst().orElse(null);
            return EngineException.badInput(file + " line " + line + (text == null ? "" : " (" + text + ")") + ": "
                    + parse.group(2).strip() + "; fix that line of " + context.dockerfile());
        }
        Dockerfile.Instruction step = output.stepNumber > 0 ? dockerfile.step(output.stepNumber, output.stepText)
                : null;
        if (step != null) {
            return EngineException.badInput("the build failed at " + file + " " + step.lines() + " ("
                    + abbreviate(step.original()) + "): " + message.strip() + "; fix that instruction in "
                    + context.dockerfile() + " (the build output above shows what it printed)");
        }
        return EngineException.badInput("the Docker build failed before its first step: " + message.strip()
                + "; check " + context.dockerfile() + " and the build arguments");
    }

    private static String abbreviate(String text) {
        return text.length() > 200 ? text.substring(0, 200) + "..." : text;
    }

    /** The build's output: lines to the listener, the step being run, the image id, the error if any. */
    private static final class BuildOutput extends ResultCallback.Adapter<BuildResponseItem> {
        private final ProgressListener listener;
        private final StringBuilder partial = new StringBuilder();
        private volatile String error;
        private volatile String imageId;
        private volatile int stepNumber;
        private volatile String stepText;

        BuildOutput(ProgressListener listener) {
            this.listener = listener;
        }

        @Override
        public void onNext(BuildResponseItem item) {
            if (item.getStream() != null) {
                feed(item.getStream());
            }
            if (item.getStatus() != null) {
                // pulling a base image
                flush();
                listener.line((item.getId() == null ? "" : item.getId() + ": ") + item.getStatus());
            }
            if (item.isErrorIndicated()) {
                flush();
                error = errorOf(item);
            }
        }

        private synchronized void feed(String text) {
            partial.append(text);
            int newline;
            while ((newline = partial.indexOf("\n")) >= 0) {
                emit(partial.substring(0, newline));
                partial.delete(0, newline + 1);
            }
        }

        synchronized void flush() {
            if (!partial.isEmpty()) {
                emit(partial.toString());
                partial.setLength(0);
            }
        }

        private void emit(String line) {
            if (line.endsWith("\r")) {
                line = line.substring(0, line.length() - 1);
            }
            Matcher step = STEP.matcher(line);
            if (step.matches()) {
                stepNumber = Integer.parseInt(step.group(1));
                stepText = step.group(3);
            }
            if (line.startsWith("Successfully built ")) {
                imageId = line.substring("Successfully built ".length()).strip();
            }
            listener.line(line);
        }
    }

    /** Resolves every external image of the stages built to its digest, through the engine's own copy of it. */
    private Map<String, ImageReference> resolveBaseImages(DockerClient docker, Dockerfile dockerfile,
            List<Dockerfile.Stage> stages, Map<String, String> buildArgs, List<Provenance.Artifact> bases,
            List<String> unpinned, ProgressListener listener) {
        List<String> built = dockerfile.externalImages(buildArgs, stages.size());
        Map<String, ImageReference> resolved = new HashMap<>();
        for (String name : built) {
            ImageReference ref;
            try {
                ref = ImageReference.parse(name);
            } catch (EngineException e) {
                continue; // the engine accepted a name we do not parse; it is not pinned then
            }
            if (!ref.isPinned()) {
                Digest digest = resolveDigest(docker, name, ref);
                if (digest == null) {
                    listener.line("warning: base image " + name + " has no registry digest in the engine (built"
                            + " locally and never pushed?); the provenance names it without a digest");
                    unpinned.add(name);
                    resolved.put(name, ref);
                    continue;
                }
                ref = ref.withDigest(digest);
            }
            resolved.put(name, ref);
            bases.add(new Provenance.Artifact(ref.repository().toString(), ref.digest()));
        }
        return resolved;
    }

    /**
     * The manifest digest of the image the engine used for {@code name}: the registry's current manifest for the tag
     * when it holds the very image the engine has (same config digest: the engine's image id), else the digest the
     * engine pulled it by. Null when neither is known (an image built locally and never pushed).
     */
    private Digest resolveDigest(DockerClient docker, String name, ImageReference ref) {
        InspectImageResponse local;
        try {
            local = docker.inspectImageCmd(name).exec();
        } catch (NotFoundException e) {
            return null;
        }
        try {
            Manifest current = registry.getManifest(ref);
            if (current instanceof ImageManifest image && image.config().digest().toString().equals(local.getId())) {
                return image.digest();
            }
        } catch (EngineException e) {
            // the registry cannot tell (unreachable, no access): the engine's record is what is left
        }
        List<String> repoDigests = local.getRepoDigests() == null ? List.of() : local.getRepoDigests();
        for (String repoDigest : repoDigests) {
            try {
                ImageReference candidate = ImageReference.parse(repoDigest);
                if (candidate.repository().equals(ref.repository()) && candidate.isPinned()) {
                    return candidate.digest();
                }
            } catch (EngineException e) {
                // not a reference we read; try the next
            }
        }
        return null;
    }

    /** The external image the final stage stands on, following stage names; null for scratch. */
    private static ImageReference finalBase(List<Dockerfile.Stage> stages, Dockerfile dockerfile,
            Map<String, String> buildArgs, Map<String, ImageReference> resolved) {
        Map<String, String> args = new HashMap<>(buildArgs);
        Dockerfile.Stage stage = stages.get(stages.size() - 1);
        for (int hops = 0; hops < stages.size() + 1; hops++) {
            String image = Dockerfile.substitute(stage.image(), args);
            if (image.equalsIgnoreCase("scratch")) {
                return null;
            }
            Dockerfile.Stage named = null;
            for (Dockerfile.Stage s : stages) {
                if (s == stage) {
                    break;
                }
                if (image.equalsIgnoreCase(s.name())) {
                    named = s;
                }
            }
            if (named == null) {
                for (Map.Entry<String, ImageReference> e : resolved.entrySet()) {
                    if (e.getKey().equals(image)) {
                        return e.getValue();
                    }
                }
                return null;
            }
            stage = named;
        }
        return null;
    }

    private record PushOutcome(Digest digest, int layers, int layersPushed) {
    }

    private PushOutcome push(DockerClient docker, Repository repository, String tag, ProgressListener listener)
            throws InterruptedException {
        RegistryCredentials creds = credentials.get(repository.registry());
        PushOutput output = new PushOutput(listener);
        listener.line("Pushing " + repository + ":" + tag);
        try {
            var cmd = docker.pushImageCmd(repository.toString()).withTag(tag);
            AuthConfig auth = creds == null ? null : authConfig(repository.registry(), creds);
            if (auth != null) {
                cmd.withAuthConfig(auth);
            }
            cmd.exec(output).awaitCompletion();
        } catch (InterruptedException e) {
            closeQuietly(output);
            throw e;
        } catch (DockerException e) {
            output.error = jsonMessage(e.getMessage());
        }
        if (output.error != null) {
            String who = creds == null ? "anonymous access" : creds.describe();
            String lower = output.error.toLowerCase(Locale.ROOT);
            if (lower.contains("unauthorized") || lower.contains("denied") || lower.contains("authentication")) {
                throw EngineException.badInput("registry " + repository.registry() + " refused to let " + who
                        + " push " + repository + ": " + output.error + "; check the credentials for "
                        + repository.registry() + " and that they may push to " + repository.path());
            }
            throw EngineException.outage("pushing " + repository + ":" + tag + " failed: " + output.error
                    + "; check that registry " + repository.registry() + " is reachable, then push again", null);
        }
        if (output.digest == null) {
            throw EngineException.outage("the Docker engine pushed " + repository + ":" + tag + " without reporting its"
                    + " digest; push again", null);
        }
        return new PushOutcome(Digest.parse(output.digest), output.layerStates.size(), output.pushedLayers());
    }

    private static final class PushOutput extends ResultCallback.Adapter<PushResponseItem> {
        private final ProgressListener listener;
        private final Map<String, String> layerStates = new LinkedHashMap<>();
        private volatile String error;
        private volatile String digest;

        PushOutput(ProgressListener listener) {
            this.listener = listener;
        }

        @Override
        public void onNext(PushResponseItem item) {
            if (item.isErrorIndicated()) {
                error = errorOf(item);
                return;
            }
            if (item.getAux() != null && item.getAux().getDigest() != null) {
                digest = item.getAux().getDigest();
            }
            String status = item.getStatus();
            if (status == null) {
                return;
            }
            ResponseItem.ProgressDetail progress = item.getProgressDetail();
            if (item.getId() != null && status.equals("Pushing") && progress != null && progress.getCurrent() != null) {
                listener.progress("push " + item.getId(), progress.getCurrent(),
                        progress.getTotal() == null ? -1 : progress.getTotal());
                return;
            }
            if (item.getId() != null && !status.startsWith("The push refers to")) {
                synchronized (layerStates) {
                    if (!status.startsWith(item.getId())) {
                        layerStates.put(item.getId(), status);
                    }
                }
                if (status.equals("Pushing") || status.equals("Waiting") || status.equals("Preparing")) {
                    return;
                }
                listener.line(item.getId() + ": " + status);
            } else {
                listener.line(status);
            }
        }

        int pushedLayers() {
            synchronized (layerStates) {
                return (int) layerStates.values().stream().filter("Pushed"::equals).count();
            }
        }
    }

    /**
     * Re-publishes the pushed manifest as an OCI image manifest with the annotations, under the same tag: the same
     * config and layers, so nothing is uploaded again. Returns the tag pinned to the annotated manifest.
     */
    private ImageReference annotate(ImageReference pushed, Map<String, String> annotations) {
        Manifest manifest = registry.getManifest(pushed.withoutTag());
        if (!(manifest instanceof ImageManifest image)) {
            throw EngineException.integrity("the Docker engine pushed " + pushed + " as an index, not an image"
                    + " manifest; build for a single platform");
        }
        if (!image.digest().equals(pushed.digest())) {
            throw EngineException.integrity("registry " + pushed.registry() + " serves " + image.digest() + " for "
                    + pushed + "; the push was not stored as the engine reported");
        }
        ImageManifest.Builder oci = ImageManifest.builder(MediaTypes.OCI_MANIFEST)
                .config(MediaTypes.DOCKER_CONFIG.equals(image.config().mediaType())
                        ? image.config().withMediaType(MediaTypes.OCI_CONFIG) : image.config())
                .annotations(annotations);
        for (Descriptor layer : image.layers()) {
            oci.layer(MediaTypes.DOCKER_LAYER_GZIP.equals(layer.mediaType())
                    ? layer.withMediaType(MediaTypes.OCI_LAYER_GZIP) : layer);
        }
        return registry.putManifest(ImageReference.of(pushed.repository(), pushed.tag(), null), oci.build());
    }

    /** docker-java's form of the registry credentials; null for anonymous. Never logged. */
    static AuthConfig authConfig(String registryName, RegistryCredentials creds) {
        return switch (creds.kind()) {
            case ANONYMOUS -> null;
            case USERNAME_PASSWORD -> new AuthConfig().withRegistryAddress(registryName)
                    .withUsername(creds.username()).withPassword(creds.secret());
            case IDENTITY_TOKEN -> new AuthConfig().withRegistryAddress(registryName)
                    .withUsername(creds.username()).withIdentityToken(creds.secret());
            case BEARER_TOKEN -> new AuthConfig().withRegistryAddress(registryName).withRegistrytoken(creds.secret());
        };
    }

    private static String errorOf(ResponseItem item) {
        return item.getErrorDetail() != null && item.getErrorDetail().getMessage() != null
                ? item.getErrorDetail().getMessage() : item.getError();
    }

    /** Stops a build or push the caller no longer waits for (the run was aborted). */
    private static void closeQuietly(ResultCallback<?> callback) {
        try {
            callback.close();
        } catch (IOException | RuntimeException e) {
            // the connection is going away anyway
        }
    }

    /** The "message" of a daemon's JSON error body, or the text as it is. */
    private static String jsonMessage(String text) {
        if (text == null) {
            return "no reason given";
        }
        Matcher m = JSON_MESSAGE.matcher(text);
        if (m.find()) {
            return m.group(1).replace("\\\"", "\"").replace("\\n", " ").replace("\\\\", "\\");
        }
        return text;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    private static String humanBytes(long bytes) {
        if (bytes < 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f kB", bytes / 1024.0);
        }
        return String.format(Locale.ROOT, "%.1f MB", bytes / (1024.0 * 1024.0));
    }
}
