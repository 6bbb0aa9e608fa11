package io.jenkins.plugins.immutable.config;

import java.io.Serializable;
import java.util.List;

/**
 * What a digest must show before it enters an environment.
 *
 * @param signedBy     ids of trusted keys, one of which must have signed the digest; empty = no signature gate
 * @param scanMaxAge   a passing scan attestation for the digest no older than this; null = no scan gate
 * @param fromPrevious the digest must be deployed in the previous environment (ignored for the first); default true
 * @param approval     a person must approve (Jenkins: an input step; CLI: --approve or a prompt)
 * @param provenance   a provenance attestation policy; null = none
 */
public record GatesConfig(List<String> signedBy, String scanMaxAge, Boolean fromPrevious, boolean approval,
        ProvenanceConfig provenance) implements Serializable {

    private static final long serialVersionUID = 1L;

    /** What an environment without a {@code gates} block gets: only the promotion order is enforced. */
    public static final GatesConfig DEFAULT = new GatesConfig(List.of(), null, true, false, null);

    public GatesConfig {
        signedBy = Text.list(signedBy, "signedBy");
        scanMaxAge = Text.optional(scanMaxAge);
        String givenMaxAge = scanMaxAge;
        Text.in("scanMaxAge", () -> Durations.parse(givenMaxAge));
        fromPrevious = fromPrevious == null || fromPrevious;
    }

    /**
     * Provenance policy: the attestation's builder id and source repository must match one of these (an entry ending
     * in {@code *} matches by prefix).
     */
    public record ProvenanceConfig(List<String> builderIds, List<String> sourceRepositories) implements Serializable {

        private static final long serialVersionUID = 1L;

        public ProvenanceConfig {
            builderIds = Text.list(builderIds, "builderIds");
            sourceRepositories = Text.list(sourceRepositories, "sourceRepositories");
        }
    }
}
