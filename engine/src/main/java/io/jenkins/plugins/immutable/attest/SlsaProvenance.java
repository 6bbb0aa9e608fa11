package io.jenkins.plugins.immutable.attest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jenkins.plugins.immutable.bake.Provenance;
import java.util.ArrayList;
import java.util.List;

/**
 * The SLSA Provenance v1 predicate ({@value PredicateTypes#SLSA_PROVENANCE_V1}): written from the bake step's
 * {@link Provenance}, and read back as the few facts a policy decides on.
 *
 * @param buildType {@code buildDefinition.buildType}
 * @param builderId {@code runDetails.builder.id}
 * @param sourceRepository the source the build says it used: {@code externalParameters.source.uri} as this project
 *     writes it, else the first {@code git+} resolved dependency (how other builders record it); null when neither
 * @param sourceCommit the commit of that source, or null
 */
public record SlsaProvenance(String buildType, String builderId, String sourceRepository, String sourceCommit) {

    /** The predicate for a baked image. Unset parts are left out (SLSA: unset, null and empty mean the same). */
    public static ObjectNode predicate(Provenance provenance) {
        ObjectNode predicate = Statement.JSON.createObjectNode();
        ObjectNode definition = predicate.putObject("buildDefinition");
        definition.put("buildType", provenance.buildType());
        definition.set("externalParameters", Statement.JSON.valueToTree(provenance.externalParameters()));
        if (!provenance.internalParameters().isEmpty()) {
            definition.set("internalParameters", Statement.JSON.valueToTree(provenance.internalParameters()));
        }
        if (!provenance.resolvedDependencies().isEmpty()) {
            definition.set("resolvedDependencies", Statement.JSON.valueToTree(provenance.resolvedDependencies()));
        }
        ObjectNode run = predicate.putObject("runDetails");
        ObjectNode builder = run.putObject("builder");
        builder.put("id", provenance.builderId());
        if (provenance.builderVersion() != null) {
            builder.putObject("version").put("immutable-delivery", provenance.builderVersion());
        }
        ObjectNode metadata = run.putObject("metadata");
        if (provenance.invocationId() != null) {
            metadata.put("invocationId", provenance.invocationId());
        }
        metadata.put("startedOn", provenance.startedOn().toString());
        metadata.put("finishedOn", provenance.finishedOn().toString());
        return predicate;
    }

    /** The statement for a baked image: its repository and digest as subject, this predicate. */
    public static Statement statement(Provenance provenance) {
        return Statement.about(Subject.of(provenance.image().name(), provenance.image().digest()),
                PredicateTypes.SLSA_PROVENANCE_V1, predicate(provenance));
    }

    /** Reads the policy-relevant facts of a SLSA v1 predicate; throws {@link IllegalArgumentException} when absent. */
    public static SlsaProvenance read(JsonNode predicate) {
        JsonNode definition = predicate.path("buildDefinition");
        String buildType = definition.path("buildType").asText("");
        String builderId = predicate.path("runDetails").path("builder").path("id").asText("");
        if (buildType.isEmpty() || builderId.isEmpty()) {
            throw new IllegalArgumentException("the SLSA provenance lacks buildDefinition.buildType or"
                    + " runDetails.builder.id, which SLSA v1 requires");
        }
        JsonNode source = definition.path("externalParameters").path("source");
        String repository = textOrNull(source.path("uri"));
        String commit = textOrNull(source.path("commit"));
        if (repository == null) {
            for (JsonNode dependency : definition.path("resolvedDependencies")) {
                String uri = dependency.path("uri").asText("");
                if (uri.startsWith("git+")) {
                    repository = uri;
                    commit = textOrNull(dependency.path("digest").path("gitCommit"));
                    break;
                }
            }
        }
        return new SlsaProvenance(buildType, builderId, repository, commit);
    }

    /**
     * For people: who built it from what, {@code built by immutable-cli from https://git.example.com/app.git at
     * 1a2b3c4d5e6f}; a build that recorded no source says so rather than "from null".
     */
    public String summary() {
        if (sourceRepository == null) {
            return "built by " + builderId + ", no source recorded";
        }
        return "built by " + builderId + " from " + sourceRepository + (sourceCommit == null ? ""
                : " at " + sourceCommit.substring(0, Math.min(12, sourceCommit.length())));
    }

    private static String textOrNull(JsonNode node) {
        return node.isTextual() && !node.asText().isBlank() ? node.asText() : null;
    }

    /** Every base image URI ({@code oci://...}) the provenance lists as resolved dependencies. */
    public static List<String> baseImages(JsonNode predicate) {
        List<String> images = new ArrayList<>();
        for (JsonNode dependency : predicate.path("buildDefinition").path("resolvedDependencies")) {
            String uri = dependency.path("uri").asText("");
            if (uri.startsWith("oci://")) {
                images.add(uri);
            }
        }
        return images;
    }
}
