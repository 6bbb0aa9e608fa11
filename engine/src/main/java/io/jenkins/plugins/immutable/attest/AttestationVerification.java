package io.jenkins.plugins.immutable.attest;

import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.image.ImageReference;
import io.jenkins.plugins.immutable.sign.SignatureFinding.Failure;
import io.jenkins.plugins.immutable.sign.TrustPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The attestations found for an image, each verified or rejected with its reason, and the checks a gate makes on
 * them: that a trusted key attested a predicate type, and that verified provenance meets a policy.
 */
public record AttestationVerification(ImageReference image, TrustPolicy policy, List<AttestationFinding> findings) {

    public AttestationVerification {
        findings = List.copyOf(findings);
    }

    /** The verified statements of a predicate type, in the order found. */
    public List<Statement> verified(String predicateType) {
        return findings.stream().filter(AttestationFinding::isVerified)
                .filter(f -> f.predicateType().equals(predicateType)).map(AttestationFinding::statement).toList();
    }

    /**
     * The verified statements of the type; throws when there is none, saying whether there was no such attestation at
     * all or why each one was rejected.
     */
    public List<Statement> requireVerified(String predicateType) {
        List<Statement> verified = verified(predicateType);
        if (!verified.isEmpty()) {
            return verified;
        }
        List<AttestationFinding> candidates = findings.stream()
                .filter(f -> f.predicateType() == null || f.predicateType().equals(predicateType)).toList();
        if (candidates.isEmpty()) {
            throw EngineException.refused(image + " has no " + predicateType + " attestation at all"
                    + (findings.isEmpty() ? "" : " (only " + findings.stream().map(AttestationFinding::predicateType)
                    .filter(Objects::nonNull).distinct().toList() + ")") + "; attest it with a key trusted here "
                    + policy.keyList());
        }
        String message = image + " has no " + predicateType + " attestation by a trusted key " + policy.keyList()
                + ": " + candidates.stream().map(AttestationFinding::toString).collect(Collectors.joining("; "));
        boolean altered = candidates.stream().anyMatch(f -> f.failure() == Failure.TAMPERED_PAYLOAD
                || f.failure() == Failure.OTHER_DIGEST);
        throw altered ? EngineException.integrity(message) : EngineException.refused(message);
    }

    /**
     * The first verified SLSA provenance that meets the policy; throws REFUSED naming how each verified provenance
     * falls short, or why there is none.
     */
    public Statement requireProvenance(ProvenancePolicy provenancePolicy) {
        List<Statement> provenances = requireVerified(PredicateTypes.SLSA_PROVENANCE_V1);
        List<String> shortfalls = new ArrayList<>();
        for (Statement statement : provenances) {
            List<String> violations = provenancePolicy.violations(statement);
            if (violations.isEmpty()) {
                return statement;
            }
            shortfalls.add(String.join(", ", violations));
        }
        throw EngineException.refused(image + " has verified provenance, but none meets the policy: "
                + String.join("; ", shortfalls) + ". Promote only images built by a trusted builder from an allowed"
                + " source, or change the policy");
    }
}
