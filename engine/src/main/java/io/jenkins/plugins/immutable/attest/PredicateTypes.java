package io.jenkins.plugins.immutable.attest;

import io.jenkins.plugins.immutable.EngineException;
import java.util.Map;

/** Predicate type URIs, and the short names cosign's {@code --type} accepts for them. */
public final class PredicateTypes {

    public static final String SLSA_PROVENANCE_V1 = "https://slsa.dev/provenance/v1";
    public static final String SLSA_PROVENANCE_V02 = "https://slsa.dev/provenance/v0.2";
    /** cosign's vulnerability scan predicate ({@code cosign attest --type vuln}). */
    public static final String COSIGN_VULN_V1 = "https://cosign.sigstore.dev/attestation/vuln/v1";
    /** cosign's predicate for anything else ({@code --type custom}). */
    public static final String COSIGN_CUSTOM_V1 = "https://cosign.sigstore.dev/attestation/v1";
    public static final String CYCLONEDX = "https://cyclonedx.org/bom";
    public static final String SPDX = "https://spdx.dev/Document";
    public static final String OPENVEX = "https://openvex.dev/ns";
    /** What cosign v3 signs when it signs an image in a Sigstore bundle (an empty predicate). */
    public static final String COSIGN_SIGN_V1 = "https://sigstore.dev/cosign/sign/v1";

    private static final Map<String, String> SHORT_NAMES = Map.of(
            "slsaprovenance1", SLSA_PROVENANCE_V1,
            "slsaprovenance", SLSA_PROVENANCE_V02,
            "slsaprovenance02", SLSA_PROVENANCE_V02,
            "vuln", COSIGN_VULN_V1,
            "custom", COSIGN_CUSTOM_V1,
            "cyclonedx", CYCLONEDX,
            "spdx", SPDX,
            "spdxjson", SPDX,
            "openvex", OPENVEX);

    private PredicateTypes() {
    }

    /** A short name as cosign knows it, or a URI as is. */
    public static String resolve(String typeOrShortName) {
        if (typeOrShortName == null || typeOrShortName.isBlank()) {
            throw EngineException.badInput("no predicate type given; give a URI or one of " + SHORT_NAMES.keySet());
        }
        String resolved = SHORT_NAMES.get(typeOrShortName);
        if (resolved != null) {
            return resolved;
        }
        if (!typeOrShortName.contains(":")) {
            throw EngineException.badInput("'" + typeOrShortName + "' is neither a predicate type URI nor one of "
                    + new java.util.TreeSet<>(SHORT_NAMES.keySet()));
        }
        return typeOrShortName;
    }
}
