package io.jenkins.plugins.immutable.bake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.ProgressListener;
import io.jenkins.plugins.immutable.ProgressMeter;
import io.jenkins.plugins.immutable.image.Descriptor;
import io.jenkins.plugins.immutable.image.Digest;
import io.jenkins.plugins.immutable.image.ImageIndex;
import io.jenkins.plugins.immutable.image.ImageManifest;
import io.jenkins.plugins.immutable.image.ImageReference;
import io.jenkins.plugins.immutable.image.Manifest;
import io.jenkins.plugins.immutable.image.MediaTypes;
import io.jenkins.plugins.immutable.image.Platform;
import io.jenkins.plugins.immutable.image.Repository;
import io.jenkins.plugins.immutable.registry.RegistryClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Assembles an image without a Docker engine, in the spirit of Jib: the base image's manifest and config come through
 * the registry client (its layers are referenced, mounted or copied registry to registry, never unpacked), each
 * {@link LayerSpec} becomes one reproducible layer, the config gets the entrypoint, cmd, env, user, working directory,
 * ports and labels, and only the blobs the target repository lacks are pushed. The same inputs give the same digest
 * on any machine.
 */
public final class LayerBaker {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int PARALLEL_UPLOADS = 4;

    private final RegistryClient registry;

    public LayerBaker(RegistryClient registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    /** The base as used: reference pinned to what it resolved to, its image manifest and config. */
    private record Base(ImageReference reference, ImageManifest manifest, ObjectNode config) {
    }

    /** Builds the layers, pushes what the registry lacks, and returns the image pinned by digest. */
    public BakeResult bake(LayerBuildRequest request, ProgressListener listener) throws InterruptedException {
        Instant started = Instant.now();
        Base base = base(request, listener);
        Path work = null;
        try {
            work = Files.createTempDirectory("bake-layers");
            List<LayerFiles.BuiltLayer> built = new ArrayList<>();
            for (LayerSpec spec : request.layers()) {
                if (Thread.interrupted()) {
                    throw new InterruptedException();
                }
                LayerFiles.BuiltLayer layer = LayerFiles.build(spec, request.created(), work, request.cacheDirectory());
                listener.line("Layer " + spec.name() + ": " + layer.blob().digest().shortForm() + " ("
                        + human(layer.blob().size()) + (layer.fromCache() ? ", unchanged, from the cache)" : ")"));
                built.add(layer);
            }

            Map<String, String> annotations = OciAnnotations.of(request.created(), request.source(),
                    base == null ? null : base.reference());
            byte[] config = config(request, base, built, annotations);
            Descriptor configBlob = Descriptor.of(MediaTypes.OCI_CONFIG, config);

            ImageManifest.Builder manifest = ImageManifest.builder(MediaTypes.OCI_MANIFEST).config(configBlob)
                    .annotations(annotations);
            List<Descriptor> baseLayers = base == null ? List.of() : base.manifest().layers();
            for (Descriptor layer : baseLayers) {
                manifest.layer(MediaTypes.DOCKER_LAYER_GZIP.equals(layer.mediaType())
                        ? layer.withMediaType(MediaTypes.OCI_LAYER_GZIP) : layer);
            }
            built.forEach(layer -> manifest.layer(layer.blob()));
            ImageManifest image = manifest.build();

            Upload upload = push(request.repository(), base, built, configBlob, config, listener);
            ImageReference pushed = registry.putManifest(ImageReference.of(request.repository(), request.tag(),
                    request.tag() == null ? image.digest() : null), image);
            if (!pushed.digest().equals(image.digest())) {
                throw EngineException.integrity("registry " + pushed.registry() + " stored " + pushed + " under another"
                        + " digest than " + image.digest());
            }
            listener.line("Pushed " + pushed + " (" + upload.pushed.get() + " of " + image.layers().size()
                    + " layers uploaded, " + human(upload.bytes.get()) + ")");

            Invocation invocation = request.invocation();
            Provenance provenance = new Provenance(
                    new Provenance.Artifact(request.repository().toString(), image.digest()),
                    request.source().repository(), request.source().commit(),
                    base == null ? List.of() : List.of(new Provenance.Artifact(
                            base.reference().repository().toString(), base.reference().digest())),
                    Map.of(), null, invocation.builderId(), invocation.builderVersion(), invocation.invokedBy(),
                    Provenance.LAYER_BUILD_TYPE, invocation.invocationId(), started, Instant.now(),
                    parameters(request, built));
            return new BakeResult(pushed, provenance, annotations, image.layers().size(), upload.pushed.get(),
                    upload.bytes.get());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the layers to a temporary directory: " + e.getMessage(), e);
        } finally {
            deleteQuietly(work);
        }
    }

    private Base base(LayerBuildRequest request, ProgressListener listener) {
        ImageReference ref = request.base();
        if (ref == null) {
            return null;
        }
        Manifest top = registry.getManifest(ref);
        if (ref.isPinned() && !top.digest().equals(ref.digest())) {
            throw EngineException.integrity("registry " + ref.registry() + " served " + top.digest() + " for " + ref);
        }
        ImageReference pinned = ref.withDigest(top.digest());
        if (!ref.isPinned()) {
            listener.line("Base " + ref + " is " + pinned.digest() + " now; building on that digest");
        }
        ImageManifest manifest;
        if (top instanceof ImageIndex index) {
            Descriptor chosen = index.manifests().stream()
                    .filter(d -> d.platform() != null && matches(d.platform(), request.platform()))
                    .findFirst()
                    .orElseThrow(() -> EngineException.badInput("the base " + ref + " has no image for "
                            + request.platform() + "; it has " + index.manifests().stream().map(Descriptor::platform)
                            .filter(Objects::nonNull).map(Platform::toString).toList() + ". Choose one of those"));
            manifest = (ImageManifest) registry.getManifest(ImageReference.of(ref.repository(), null, chosen.digest()));
        } else {
            manifest = (ImageManifest) top;
        }
        if (manifest.config() == null || !MediaTypes.OCI_CONFIG.equals(manifest.config().mediaType())
                && !MediaTypes.DOCKER_CONFIG.equals(manifest.config().mediaType())) {
            throw EngineException.badInput("the base " + ref + " is not a container image (its config is "
                    + (manifest.config() == null ? "missing" : manifest.config().mediaType()) + ")");
        }
        try {
            JsonNode config = JSON.readTree(registry.readBlob(ref.repository(), manifest.config()));
            if (!(config instanceof ObjectNode object)) {
                throw EngineException.badInput("the config of the base " + ref + " is not a JSON object");
            }
            return new Base(pinned, manifest, object);
        } catch (IOException e) {
            throw EngineException.badInput("the config of the base " + ref + " is not JSON: " + e.getMessage());
        }
    }

    private static boolean matches(Platform have, Platform want) {
        return have.os().equals(want.os()) && have.architecture().equals(want.architecture())
                && (want.variant() == null || want.variant().equals(have.variant()));
    }

    /** The image config: the base's (or an empty one), with the request's settings and the new layers' diff ids. */
    private static byte[] config(LayerBuildRequest request, Base base, List<LayerFiles.BuiltLayer> layers,
            Map<String, String> annotations) {
        ObjectNode root = base == null ? JSON.createObjectNode() : base.config().deepCopy();
        String created = DateTimeFormatter.ISO_INSTANT.format(request.created());
        root.put("created", created);
        if (base == null) {
            root.put("architecture", request.platform().architecture());
            root.put("os", request.platform().os());
            if (request.platform().variant() != null) {
                root.put("variant", request.platform().variant());
            }
        }
        ObjectNode config = root.has("config") && root.get("config").isObject() ? (ObjectNode) root.get("config")
                : root.putObject("config");
        if (request.entrypoint() != null) {
            config.set("Entrypoint", strings(request.entrypoint()));
            if (request.cmd() == null) {
                config.remove("Cmd"); // as Docker does: a new entrypoint does not keep the base's arguments
            }
        }
        if (request.cmd() != null) {
            config.set("Cmd", strings(request.cmd()));
        }
        if (!request.env().isEmpty()) {
            LinkedHashMap<String, String> env = new LinkedHashMap<>();
            config.path("Env").forEach(e -> {
                String text = e.asText();
                int eq = text.indexOf('=');
                env.put(eq < 0 ? text : text.substring(0, eq), eq < 0 ? "" : text.substring(eq + 1));
            });
            env.putAll(request.env());
            ArrayNode list = config.putArray("Env");
            env.forEach((k, v) -> list.add(k + "=" + v));
        }
        if (request.user() != null) {
            config.put("User", request.user());
        }
        if (request.workdir() != null) {
            config.put("WorkingDir", request.workdir());
        }
        if (!request.exposedPorts().isEmpty()) {
            ObjectNode ports = config.has("ExposedPorts") && config.get("ExposedPorts").isObject()
                    ? (ObjectNode) config.get("ExposedPorts") : config.putObject("ExposedPorts");
            request.exposedPorts().forEach(p -> ports.putObject(p));
        }
        TreeMap<String, String> labels = new TreeMap<>();
        config.path("Labels").fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
        // The base's own org.opencontainers.image.* labels describe the base, not this image.
        labels.keySet().removeIf(k -> k.startsWith("org.opencontainers.image."));
        labels.putAll(annotations);
        labels.putAll(request.labels());
        ObjectNode labelNode = config.putObject("Labels");
        labels.forEach(labelNode::put);

        ObjectNode rootfs = root.has("rootfs") && root.get("rootfs").isObject() ? (ObjectNode) root.get("rootfs")
                : root.putObject("rootfs");
        rootfs.put("type", "layers");
        ArrayNode diffIds = rootfs.has("diff_ids") && rootfs.get("diff_ids").isArray()
                ? (ArrayNode) rootfs.get("diff_ids") : rootfs.putArray("diff_ids");
        ArrayNode history = root.has("history") && root.get("history").isArray() ? (ArrayNode) root.get("history")
                : root.putArray("history");
        for (LayerFiles.BuiltLayer layer : layers) {
            diffIds.add(layer.diffId().toString());
            ObjectNode entry = history.addObject();
            entry.put("created", created);
            entry.put("created_by", "immutable-delivery layer " + layer.name());
        }
        try {
            return JSON.writeValueAsBytes(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ArrayNode strings(List<String> values) {
        ArrayNode array = JSON.createArrayNode();
        values.forEach(array::add);
        return array;
    }

    private static Map<String, String> parameters(LayerBuildRequest request, List<LayerFiles.BuiltLayer> layers) {
        Map<String, String> p = new LinkedHashMap<>();
        if (request.base() != null) {
            p.put("base", request.base().toString());
        }
        p.put("platform", request.platform().toString());
        if (request.tag() != null) {
            p.put("tag", request.tag());
        }
        StringBuilder layerList = new StringBuilder();
        for (LayerFiles.BuiltLayer layer : layers) {
            layerList.append(layerList.isEmpty() ? "" : ",").append(layer.name()).append('=').append(layer.diffId());
        }
        if (!layerList.isEmpty()) {
            p.put("layers", layerList.toString());
        }
        if (request.entrypoint() != null) {
            p.put("entrypoint", String.join(" ", request.entrypoint()));
        }
        if (request.cmd() != null) {
            p.put("cmd", String.join(" ", request.cmd()));
        }
        if (!request.env().isEmpty()) {
            p.put("env", String.join(",", request.env().keySet()));
        }
        if (request.user() != null) {
            p.put("user", request.user());
        }
        if (request.workdir() != null) {
            p.put("workdir", request.workdir());
        }
        if (!request.exposedPorts().isEmpty()) {
            p.put("exposedPorts", String.join(",", request.exposedPorts()));
        }
        if (!request.labels().isEmpty()) {
            p.put("labels", new TreeMap<>(request.labels()).toString());
        }
        p.put("created", DateTimeFormatter.ISO_INSTANT.format(request.created()));
        return p;
    }

    private static final class Upload {
        final AtomicInteger pushed = new AtomicInteger();
        final AtomicLong bytes = new AtomicLong();
    }

    /**
     * Puts every blob the manifest names into the target repository, sending only what it lacks: base layers are
     * mounted from the base's repository on the same registry, or streamed registry to registry; built layers are
     * uploaded from their files, each reporting its bytes as progress; a few at a time.
     */
    private Upload push(Repository target, Base base, List<LayerFiles.BuiltLayer> layers, Descriptor configBlob,
            byte[] config, ProgressListener listener) throws InterruptedException {
        Upload upload = new Upload();
        List<Runnable> tasks = new ArrayList<>();
        if (base != null) {
            Repository from = base.reference().repository();
            for (Descriptor layer : base.manifest().layers()) {
                if (MediaTypes.isNonDistributable(layer.mediaType())) {
                    continue; // stays where its URLs say
                }
                tasks.add(() -> {
                    if (registry.headBlob(target, layer.digest()).isPresent()) {
                        return;
                    }
                    if (from.registry().equals(target.registry()) && !from.equals(target)
                            && registry.mountBlob(target, from, layer.digest())) {
                        listener.line("Base layer " + layer.digest().shortForm() + ": mounted from " + from);
                        return;
                    }
                    ProgressMeter meter = ProgressMeter.of(listener, "copy " + layer.digest().shortForm(),
                            layer.size());
                    registry.pushBlob(target, layer, () -> meter.counting(registry.openBlob(from, layer)));
                    meter.finish();
                    upload.pushed.incrementAndGet();
                    upload.bytes.addAndGet(layer.size());
                    listener.line("Base layer " + layer.digest().shortForm() + ": copied from " + from);
                });
            }
        }
        for (LayerFiles.BuiltLayer layer : layers) {
            tasks.add(() -> {
                if (registry.headBlob(target, layer.blob().digest()).isPresent()) {
                    listener.line("Layer " + layer.name() + ": already in " + target);
                    return;
                }
                ProgressMeter meter = ProgressMeter.of(listener, "push " + layer.name(), layer.blob().size());
                registry.pushBlob(target, layer.blob(), () -> meter.counting(Files.newInputStream(layer.file())));
                meter.finish();
                upload.pushed.incrementAndGet();
                upload.bytes.addAndGet(layer.blob().size());
                listener.line("Layer " + layer.name() + ": pushed " + human(layer.blob().size()));
            });
        }
        tasks.add(() -> {
            if (registry.headBlob(target, configBlob.digest()).isEmpty()) {
                registry.pushBlob(target, config);
                upload.bytes.addAndGet(config.length);
            }
        });
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(PARALLEL_UPLOADS, tasks.size()), r -> {
            Thread t = new Thread(r, "bake-upload");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> futures = new ArrayList<>();
            tasks.forEach(task -> futures.add(pool.submit(task)));
            for (Future<?> future : futures) {
                try {
                    future.get();
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof RuntimeException runtime) {
                        throw runtime;
                    }
                    throw new IllegalStateException(e.getCause());
                }
            }
        } finally {
            pool.shutdownNow();
        }
        return upload;
    }

    private static String human(long bytes) {
        if (bytes < 1024 * 1024) {
            return String.format(java.util.Locale.ROOT, "%.1f kB", bytes / 1024.0);
        }
        return String.format(java.util.Locale.ROOT, "%.1f MB", bytes / (1024.0 * 1024.0));
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Iterator<Path> it = walk.sorted(Comparator.reverseOrder()).iterator(); it.hasNext(); ) {
                Files.deleteIfExists(it.next());
            }
        } catch (IOException | UncheckedIOException e) {
            // a temporary directory; the system cleans it
        }
    }
}
