package io.jenkins.plugins.immutable.bake;

import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.image.Digest;
import java.io.Serializable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What went into one baked image, who built it and how: the facts a SLSA Provenance v1 predicate is made of, kept as a
 * plain value so the bake step records it once and the attest code, the build page and the ledger read the same thing.
 *
 * <p>Mapping to SLSA Provenance v1 ({@code https://slsa.dev/provenance/v1}); {@link #externalParameters()},
 * {@link #internalParameters()} and {@link #resolvedDependencies()} give those parts ready made:
 * <ul>
 * <li>statement {@code subject}: {@link #image()} (name = repository without tag, digest = manifest digest);</li>
 * <li>{@code buildDefinition.buildType}: {@link #buildType()};</li>
 * <li>{@code buildDefinition.externalParameters}: source, build arguments, Dockerfile and the extra
 *     {@link #parameters()} (target, platform, tag...), see {@link #externalParameters()};</li>
 * <li>{@code buildDefinition.internalParameters}: {@code invokedBy};</li>
 * <li>{@code buildDefinition.resolvedDependencies}: the source at its commit, then every base image by digest;</li>
 * <li>{@code runDetails.builder.id} / {@code version}: {@link #builderId()} / {@link #builderVersion()};</li>
 * <li>{@code runDetails.metadata}: {@link #invocationId()}, {@link #startedOn()}, {@link #finishedOn()}.</li>
 * </ul>
 * Build arguments are recorded as given, as docker's own history does: secrets belong in registry credentials or
 * build secrets, never in build arguments.
 *
 * @param image            the image this describes, pinned: repository name and manifest digest
 * @param sourceRepository URI of the source repository (for example {@code https://github.com/org/app.git}), or null
 * @param sourceCommit     the commit built (a git SHA-1 or SHA-256), or null when not built from version control
 * @param baseImages       every base image the build resolved, by digest, in the order the build met them
 * @param buildArgs        build arguments as given (sorted by name)
 * @param dockerfileDigest sha256 of the Dockerfile's bytes, or null when the build used no Dockerfile
 * @param builderId        who ran the build, as a URI: a Jenkins run URL, or {@link #CLI_BUILDER_ID}
 * @param builderVersion   the version of the builder (this project's version), or null
 * @param invokedBy        the user or trigger that started the build (a Jenkins user id, a CLI user name), or null
 * @param buildType        what kind of build this was: {@link #DOCKER_ENGINE_BUILD_TYPE} or {@link #LAYER_BUILD_TYPE}
 * @param invocationId     identifies this one invocation (a Jenkins run id, a random UUID), or null
 * @param startedOn        when the build started
 * @param finishedOn       when the image was pushed
 * @param parameters       further external parameters that shaped the result (sorted by name)
 */
public record Provenance(
        Artifact image,
        String sourceRepository,
        String sourceCommit,
        List<Artifact> baseImages,
        Map<String, String> buildArgs,
        Digest dockerfileDigest,
        String builderId,
        String builderVersion,
        String invokedBy,
        String buildType,
        String invocationId,
        Instant startedOn,
        Instant finishedOn,
        Map<String, String> parameters) implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Build type of an image built by a Docker engine from a Dockerfile ({@code DockerEngineBaker}). */
    public static final String DOCKER_ENGINE_BUILD_TYPE =
            "https://github.com/jenkinsci/immutable-delivery-plugin/buildtypes/docker-engine/v1";

    /** Build type of an image assembled without a daemon from a base image and layers ({@code LayerBaker}). */
    public static final String LAYER_BUILD_TYPE =
            "https://github.com/jenkinsci/immutable-delivery-plugin/buildtypes/layers/v1";

    /** Builder id of the command line, when no CI system ran it. */
    public static final String CLI_BUILDER_ID = "immutable-cli";

    /**
     * An image by name and digest: the subject of the provenance, or a base image it was built from.
     *
     * @param name   the repository, registry host included, without tag ({@code 127.0.0.1:5101/team/app})
     * @param digest the manifest digest
     */
    public record Artifact(String name, Digest digest) implements Serializable {

        private static final long serialVersionUID = 1L;

        public Artifact {
            if (name == null || name.isBlank()) {
                throw EngineException.badInput("an image in the provenance has no name; give its repository");
            }
            if (name.contains("@")) {
                throw EngineException.badInput("'" + name + "' must be a repository name without a digest;"
                        + " the digest is given separately");
            }
            Objects.requireNonNull(digest, "digest");
        }

        /** {@code name@digest}, the reference that always means this very image. */
        public String pinnedReference() {
            return name + "@" + digest;
        }

        @Override
        public String toString() {
            return pinnedReference();
        }
    }

    public Provenance {
        Objects.requireNonNull(image, "image");
        baseImages = baseImages == null ? List.of() : List.copyOf(baseImages);
        buildArgs = sortedCopy(buildArgs);
        parameters = sortedCopy(parameters);
        if (builderId == null || builderId.isBlank()) {
            throw EngineException.badInput("the provenance has no builder id; give the Jenkins run URL or '"
                    + CLI_BUILDER_ID + "'");
        }
        if (buildType == null || buildType.isBlank()) {
            throw EngineException.badInput("the provenance has no build type");
        }
        Objects.requireNonNull(startedOn, "startedOn");
        Objects.requireNonNull(finishedOn, "finishedOn");
        if (finishedOn.isBefore(startedOn)) {
            throw EngineException.badInput("the provenance says the build finished (" + finishedOn
                    + ") before it started (" + startedOn + "); check the clock that recorded them");
        }
        if (sourceCommit != null && sourceCommit.isBlank()) {
            sourceCommit = null;
        }
        if (sourceRepository != null && sourceRepository.isBlank()) {
            sourceRepository = null;
        }
    }

    private static SortedMap<String, String> sortedCopy(Map<String, String> map) {
        TreeMap<String, String> copy = new TreeMap<>();
        if (map != null) {
            map.forEach((k, v) -> copy.put(Objects.requireNonNull(k, "parameter name"), v == null ? "" : v));
        }
        return Collections.unmodifiableSortedMap(copy);
    }

    /**
     * SLSA {@code buildDefinition.externalParameters}: what the person who started the build chose. Keys, present only
     * when set: {@code source} ({@code {uri, commit}}), {@code buildArgs}, {@code dockerfileDigest}, then each of
     * {@link #parameters()} by its own name.
     */
    public Map<String, Object> externalParameters() {
        Map<String, Object> external = new LinkedHashMap<>();
        if (sourceRepository != null || sourceCommit != null) {
            Map<String, String> source = new LinkedHashMap<>();
            if (sourceRepository != null) {
                source.put("uri", sourceRepository);
            }
            if (sourceCommit != null) {
                source.put("commit", sourceCommit);
            }
            external.put("source", source);
        }
        if (!buildArgs.isEmpty()) {
            external.put("buildArgs", buildArgs);
        }
        if (dockerfileDigest != null) {
            external.put("dockerfileDigest", dockerfileDigest.toString());
        }
        parameters.forEach(external::putIfAbsent);
        return Collections.unmodifiableMap(external);
    }

    /** SLSA {@code buildDefinition.internalParameters}: {@code invokedBy} when known. */
    public Map<String, Object> internalParameters() {
        return invokedBy == null ? Map.of() : Map.of("invokedBy", invokedBy);
    }

    /**
     * SLSA {@code buildDefinition.resolvedDependencies} as resource descriptors ({@code uri}, {@code digest} map):
     * the source at its commit ({@code git+<uri>}, digest {@code gitCommit}), then each base image
     * ({@code oci://name}, digest {@code sha256}).
     */
    public List<Map<String, Object>> resolvedDependencies() {
        List<Map<String, Object>> dependencies = new ArrayList<>();
        if (sourceRepository != null && sourceCommit != null) {
            String uri = sourceRepository.startsWith("git+") ? sourceRepository : "git+" + sourceRepository;
            dependencies.add(Map.of("uri", uri, "digest", Map.of("gitCommit", sourceCommit)));
        }
        for (Artifact base : baseImages) {
            dependencies.add(Map.of("uri", "oci://" + base.name(),
                    "digest", Map.of(base.digest().algorithm().label(), base.digest().hex())));
        }
        return Collections.unmodifiableList(dependencies);
    }
}
