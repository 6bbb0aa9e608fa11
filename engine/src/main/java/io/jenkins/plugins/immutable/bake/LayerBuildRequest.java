package io.jenkins.plugins.immutable.bake;

import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.image.ImageReference;
import io.jenkins.plugins.immutable.image.Platform;
import io.jenkins.plugins.immutable.image.Repository;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What to assemble without a Docker engine, and where to push it. Build with
 * {@link #builder(ImageReference, ImageReference)}.
 *
 * @param base           the base image (a tag is resolved once to its digest; a digest is used as it is), or null
 *                       for an empty base (scratch)
 * @param platform       the platform to take from a multi-platform base, and to record ({@code linux/amd64})
 * @param repository     where to push, registry included
 * @param tag            the tag to push under, or null to push by digest alone; {@code latest} only with allowLatest
 * @param allowLatest    accept {@code latest} as the tag
 * @param layers         the layers to add, in order, on top of the base's
 * @param entrypoint     the entrypoint, or null to keep the base's (setting it drops the base's cmd, as Docker does)
 * @param cmd            the default arguments, or null to keep the base's
 * @param env            environment variables, set over the base's (same name replaces, in place)
 * @param user           the user to run as, or null to keep the base's
 * @param workdir        the working directory (absolute), or null to keep the base's
 * @param exposedPorts   ports to expose, {@code 8080} or {@code 8080/tcp}, {@code 53/udp}
 * @param labels         labels, over the base's (whose {@code org.opencontainers.image.*} ones are replaced)
 * @param created        the time stamped on the image and every file in the layers: the same for every build of
 *                       the same inputs (see {@link #sourceDateEpoch(Map)})
 * @param source         where the code came from
 * @param invocation     who runs the build
 * @param cacheDirectory where built layers are kept between runs, keyed by their inputs' names, sizes, times and
 *                       modes, so an unchanged layer is not built again; null to build every layer each time
 */
public record LayerBuildRequest(ImageReference base, Platform platform, Repository repository, String tag,
        boolean allowLatest, List<LayerSpec> layers, List<String> entrypoint, List<String> cmd, Map<String, String> env,
        String user, String workdir, List<String> exposedPorts, Map<String, String> labels, Instant created,
        Source source, Invocation invocation, Path cacheDirectory) {

    private static final Pattern PORT = Pattern.compile("(\\d{1,5})(?:/(tcp|udp|sctp))?");
    private static final Pattern ENV_NAME = Pattern.compile("[^=\\s]+");

    public LayerBuildRequest {
        platform = platform == null ? new Platform("linux", "amd64") : platform;
        Objects.requireNonNull(repository, "repository");
        if (tag != null) {
            ImageReference.of(repository, tag, null); // the reference's own rules and message
        }
        OciAnnotations.checkReleaseTag(tag, allowLatest);
        layers = List.copyOf(layers == null ? List.of() : layers);
        entrypoint = entrypoint == null ? null : List.copyOf(entrypoint);
        cmd = cmd == null ? null : List.copyOf(cmd);
        env = Collections.unmodifiableMap(new LinkedHashMap<>(env == null ? Map.of() : env));
        for (Map.Entry<String, String> e : env.entrySet()) {
            if (e.getKey() == null || !ENV_NAME.matcher(e.getKey()).matches() || e.getValue() == null) {
                throw EngineException.badInput("the environment variable '" + e.getKey() + "' is not NAME=value; give"
                        + " it a name without '=' or spaces, and a value");
            }
        }
        if (workdir != null && !workdir.startsWith("/")) {
            throw EngineException.badInput("the working directory '" + workdir + "' is not absolute; write it as /app");
        }
        List<String> ports = new ArrayList<>();
        for (String port : exposedPorts == null ? List.<String>of() : exposedPorts) {
            var m = PORT.matcher(port.strip());
            if (!m.matches() || Integer.parseInt(m.group(1)) < 1 || Integer.parseInt(m.group(1)) > 65535) {
                throw EngineException.badInput("'" + port + "' is not a port to expose; write 8080, 8080/tcp or 53/udp");
            }
            ports.add(Integer.parseInt(m.group(1)) + "/" + (m.group(2) == null ? "tcp" : m.group(2)));
        }
        exposedPorts = List.copyOf(ports);
        labels = Collections.unmodifiableMap(new LinkedHashMap<>(labels == null ? Map.of() : labels));
        created = created == null ? Instant.EPOCH : created;
        source = source == null ? Source.unknown() : source;
        Objects.requireNonNull(invocation, "invocation");
    }

    /**
     * The reproducible build time: {@code SOURCE_DATE_EPOCH} (seconds since 1970, as reproducible-builds.org
     * defines it) when set, else the epoch itself.
     */
    public static Instant sourceDateEpoch(Map<String, String> environment) {
        String value = environment.get("SOURCE_DATE_EPOCH");
        if (value == null || value.isBlank()) {
            return Instant.EPOCH;
        }
        try {
            return Instant.ofEpochSecond(Long.parseLong(value.strip()));
        } catch (NumberFormatException e) {
            throw EngineException.badInput("SOURCE_DATE_EPOCH='" + value + "' is not a number of seconds since 1970;"
                    + " set it to, for example, the last commit's time (git log -1 --format=%ct)");
        }
    }

    /** A request to push to {@code target} (repository, and tag if it has one) from {@code base} (null: scratch). */
    public static Builder builder(ImageReference base, ImageReference target) {
        if (target.isPinned()) {
            throw EngineException.badInput(target + " already names a digest; give the repository and a tag to push"
                    + " under, the digest is what the build produces");
        }
        return new Builder(base, target.repository(), target.tag());
    }

    /** Collects a request's settings. */
    public static final class Builder {
        private final ImageReference base;
        private final Repository repository;
        private String tag;
        private Platform platform;
        private boolean allowLatest;
        private final List<LayerSpec> layers = new ArrayList<>();
        private List<String> entrypoint;
        private List<String> cmd;
        private final Map<String, String> env = new LinkedHashMap<>();
        private String user;
        private String workdir;
        private final List<String> exposedPorts = new ArrayList<>();
        private final Map<String, String> labels = new LinkedHashMap<>();
        private Instant created;
        private Source source = Source.unknown();
        private Invocation invocation;
        private Path cacheDirectory;

        private Builder(ImageReference base, Repository repository, String tag) {
            this.base = base;
            this.repository = repository;
            this.tag = tag;
        }

        public Builder tag(String value) {
            this.tag = value;
            return this;
        }

        public Builder platform(Platform value) {
            this.platform = value;
            return this;
        }

        public Builder allowLatest(boolean value) {
            this.allowLatest = value;
            return this;
        }

        public Builder layer(LayerSpec layer) {
            layers.add(layer);
            return this;
        }

        public Builder layer(String name, Path source, String containerPath) {
            return layer(LayerSpec.of(name, source, containerPath));
        }

        public Builder entrypoint(String... args) {
            this.entrypoint = List.of(args);
            return this;
        }

        public Builder cmd(String... args) {
            this.cmd = List.of(args);
            return this;
        }

        public Builder env(String name, String value) {
            env.put(name, value);
            return this;
        }

        public Builder user(String value) {
            this.user = value;
            return this;
        }

        public Builder workdir(String value) {
            this.workdir = value;
            return this;
        }

        public Builder expose(String port) {
            exposedPorts.add(port);
            return this;
        }

        public Builder label(String name, String value) {
            labels.put(name, value);
            return this;
        }

        public Builder created(Instant value) {
            this.created = value;
            return this;
        }

        public Builder source(Source value) {
            this.source = value;
            return this;
        }

        public Builder invocation(Invocation value) {
            this.invocation = value;
            return this;
        }

        public Builder cacheDirectory(Path value) {
            this.cacheDirectory = value;
            return this;
        }

        public LayerBuildRequest build() {
            return new LayerBuildRequest(base, platform, repository, tag, allowLatest, layers, entrypoint, cmd, env,
                    user, workdir, exposedPorts, labels, created, source,
                    invocation == null ? Invocation.cli(null) : invocation, cacheDirectory);
        }
    }
}
