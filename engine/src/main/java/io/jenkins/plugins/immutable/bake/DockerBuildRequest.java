package io.jenkins.plugins.immutable.bake;

import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.image.ImageReference;
import io.jenkins.plugins.immutable.image.Repository;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What to build on a Docker engine and where to push it. Build with {@link #builder(Path, ImageReference)}.
 *
 * @param context     the build context directory
 * @param dockerfile  the Dockerfile, relative to the context or absolute (it may lie outside the context); null for
 *                    {@code Dockerfile} in the context
 * @param repository  where to push, registry included
 * @param tag         the release tag to push under; null to push under {@code build-<image id>}; {@code latest} only
 *                    with {@code allowLatest}
 * @param buildArgs   {@code --build-arg}s (never secrets: they are recorded in the image history and the provenance)
 * @param targetStage the stage to build ({@code --target}), or null for the last
 * @param labels      labels to set on the image, besides the {@code org.opencontainers.image.*} ones the baker sets
 * @param platform    {@code os/arch[/variant]} to build for, or null for the engine's own
 * @param pull        always pull the base images, rather than use the engine's copies
 * @param noCache     build every step afresh
 * @param allowLatest accept {@code latest} as the tag
 * @param source      where the code came from
 * @param invocation  who runs the build
 * @param created     the image's creation time ({@code org.opencontainers.image.created}); null for now
 */
public record DockerBuildRequest(Path context, Path dockerfile, Repository repository, String tag,
        Map<String, String> buildArgs, String targetStage, Map<String, String> labels, String platform, boolean pull,
        boolean noCache, boolean allowLatest, Source source, Invocation invocation, Instant created) {

    public DockerBuildRequest {
        Objects.requireNonNull(context, "context");
        Objects.requireNonNull(repository, "repository");
        buildArgs = copyWithValues(buildArgs, "build argument");
        labels = copyWithValues(labels, "label");
        targetStage = targetStage == null || targetStage.isBlank() ? null : targetStage.strip();
        platform = platform == null || platform.isBlank() ? null : platform.strip();
        source = source == null ? Source.unknown() : source;
        Objects.requireNonNull(invocation, "invocation");
        if (tag != null) {
            // The same rules as a reference's tag, with the reference's own message.
            ImageReference.of(repository, tag, null);
        }
        OciAnnotations.checkReleaseTag(tag, allowLatest);
    }

    private static Map<String, String> copyWithValues(Map<String, String> map, String what) {
        if (map == null) {
            return Map.of();
        }
        map.forEach((name, value) -> {
            if (name == null || name.isBlank() || value == null) {
                throw EngineException.badInput("the " + what + " '" + name + "' has no " + (value == null ? "value"
                        : "name") + "; give every " + what + " as NAME=value");
            }
        });
        return Map.copyOf(map);
    }

    /** A request to build {@code context} and push to {@code target}'s repository, under its tag when it has one. */
    public static Builder builder(Path context, ImageReference target) {
        if (target.isPinned()) {
            throw EngineException.badInput(target + " already names a digest; give the repository and a tag to push"
                    + " under, the digest is what the build produces");
        }
        return new Builder(context, target.repository(), target.tag());
    }

    /** Collects a request's settings; everything but the context and the target is optional. */
    public static final class Builder {
        private final Path context;
        private final Repository repository;
        private String tag;
        private Path dockerfile;
        private final Map<String, String> buildArgs = new LinkedHashMap<>();
        private String targetStage;
        private final Map<String, String> labels = new LinkedHashMap<>();
        private String platform;
        private boolean pull;
        private boolean noCache;
        private boolean allowLatest;
        private Source source = Source.unknown();
        private Invocation invocation;
        private Instant created;

        private Builder(Path context, Repository repository, String tag) {
            this.context = context;
            this.repository = repository;
            this.tag = tag;
        }

        public Builder tag(String value) {
            this.tag = value;
            return this;
        }

        public Builder dockerfile(Path value) {
            this.dockerfile = value;
            return this;
        }

        public Builder buildArg(String name, String value) {
            buildArgs.put(name, value);
            return this;
        }

        public Builder buildArgs(Map<String, String> all) {
            buildArgs.putAll(all);
            return this;
        }

        public Builder targetStage(String value) {
            this.targetStage = value;
            return this;
        }

        public Builder label(String name, String value) {
            labels.put(name, value);
            return this;
        }

        public Builder labels(Map<String, String> all) {
            labels.putAll(all);
            return this;
        }

        public Builder platform(String value) {
            this.platform = value;
            return this;
        }

        public Builder pull(boolean value) {
            this.pull = value;
            return this;
        }

        public Builder noCache(boolean value) {
            this.noCache = value;
            return this;
        }

        public Builder allowLatest(boolean value) {
            this.allowLatest = value;
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

        public Builder created(Instant value) {
            this.created = value;
            return this;
        }

        public DockerBuildRequest build() {
            return new DockerBuildRequest(context, dockerfile, repository, tag, buildArgs, targetStage, labels,
                    platform, pull, noCache, allowLatest, source,
                    invocation == null ? Invocation.cli(null) : invocation, created);
        }
    }
}
