package io.jenkins.plugins.immutable.attest;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What a release engineer requires of an image's SLSA provenance before it may go further: which builders may have
 * built it, from which source repositories, with which build types. An empty set accepts anything for that part.
 * Builder ids match exactly, or by prefix when the entry ends with {@code *} ({@code https://ci.example.com/job/app/*}
 * for every run of one job). Source repositories match ignoring a {@code git+} prefix, a {@code .git} suffix, a
 * trailing slash and the case of the host.
 */
public record ProvenancePolicy(Set<String> builderIds, Set<String> sourceRepositories, Set<String> buildTypes) {

    public ProvenancePolicy {
        builderIds = Set.copyOf(builderIds);
        sourceRepositories = Set.copyOf(sourceRepositories);
        buildTypes = Set.copyOf(buildTypes);
    }

    /** "Provenance from builder X, source Y." */
    public static ProvenancePolicy builderAndSource(String builderId, String sourceRepository) {
        return new ProvenancePolicy(Set.of(builderId), Set.of(sourceRepository), Set.of());
    }

    /** Every way the statement falls short of this policy; empty when it complies. */
    public List<String> violations(Statement statement) {
        List<String> violations = new ArrayList<>();
        if (!PredicateTypes.SLSA_PROVENANCE_V1.equals(statement.predicateType())) {
            violations.add("the attestation's predicate type is " + statement.predicateType() + ", not "
                    + PredicateTypes.SLSA_PROVENANCE_V1);
            return violations;
        }
        SlsaProvenance provenance;
        try {
            provenance = SlsaProvenance.read(statement.predicate());
        } catch (IllegalArgumentException e) {
            violations.add(e.getMessage());
            return violations;
        }
        if (!builderIds.isEmpty() && builderIds.stream().noneMatch(b -> builderMatches(b, provenance.builderId()))) {
            violations.add("built by " + provenance.builderId() + ", which is not a trusted builder " + builderIds);
        }
        if (!sourceRepositories.isEmpty()) {
            if (provenance.sourceRepository() == null) {
                violations.add("the provenance names no source repository; the policy requires one of "
                        + sourceRepositories);
            } else if (sourceRepositories.stream().noneMatch(
                    s -> normalizeSource(s).equals(normalizeSource(provenance.sourceRepository())))) {
                violations.add("built from " + provenance.sourceRepository() + ", which is not an allowed source "
                        + sourceRepositories);
            }
        }
        if (!buildTypes.isEmpty() && !buildTypes.contains(provenance.buildType())) {
            violations.add("build type " + provenance.buildType() + " is not one of " + buildTypes);
        }
        return violations;
    }

    private static boolean builderMatches(String pattern, String builderId) {
        return pattern.endsWith("*") ? builderId.startsWith(pattern.substring(0, pattern.length() - 1))
                : pattern.equals(builderId);
    }

    static String normalizeSource(String uri) {
        String s = uri.strip();
        if (s.startsWith("git+")) {
            s = s.substring(4);
        }
        while (s.endsWith("/")) {
            s = s.substring(0, s.length() - 1);
        }
        if (s.endsWith(".git")) {
            s = s.substring(0, s.length() - 4);
        }
        int scheme = s.indexOf("://");
        if (scheme > 0) {
            int pathStart = s.indexOf('/', scheme + 3);
            String authority = pathStart < 0 ? s.substring(scheme + 3) : s.substring(scheme + 3, pathStart);
            String rest = pathStart < 0 ? "" : s.substring(pathStart);
            s = s.substring(0, scheme).toLowerCase(Locale.ROOT) + "://" + authority.toLowerCase(Locale.ROOT) + rest;
        }
        return s;
    }
}
