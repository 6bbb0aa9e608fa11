package io.jenkins.plugins.immutable.promote;

import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.attest.ProvenancePolicy;
import io.jenkins.plugins.immutable.freeze.PromotionWindows;
import io.jenkins.plugins.immutable.sign.VerificationKey;
import java.time.Duration;
import java.util.List;

/**
 * The gates of an environment (the engine form of the configuration's {@code gates} block).
 *
 * @param signedBy     keys one of which must have signed the digest; empty = no signature gate
 * @param scanMaxAge   a scan attestation for the digest, whose policy passed, no older than this; null = no scan gate
 * @param fromPrevious the digest must have been deployed upstream: in the previous environment of a plain order, in
 *                     all or any of the upstream environments of a graph (a first environment has none)
 * @param approval     a person must approve, through the {@link ApprovalHook}
 * @param provenance   a provenance attestation must meet this policy; null = no provenance gate
 * @param attestedBy   keys trusted to sign the scan and provenance attestations
 * @param windows      when promotions are allowed; null = at any time (a freeze still stops them)
 * @param soak         how long the digest must have been live upstream; null = no soak gate
 * @param slo          the error-budget gate of the upstream environments and this one; null = none
 */
public record GatePolicy(List<VerificationKey> signedBy, Duration scanMaxAge, boolean fromPrevious, boolean approval,
        ProvenancePolicy provenance, List<VerificationKey> attestedBy, PromotionWindows windows, Duration soak,
        SloPolicy slo) {

    /** Only the promotion order is enforced. */
    public static final GatePolicy ORDER_ONLY = new GatePolicy(List.of(), null, true, false, null, List.of());

    /** Gates without windows or soak. */
    public GatePolicy(List<VerificationKey> signedBy, Duration scanMaxAge, boolean fromPrevious, boolean approval,
            ProvenancePolicy provenance, List<VerificationKey> attestedBy) {
        this(signedBy, scanMaxAge, fromPrevious, approval, provenance, attestedBy, null, null, null);
    }

    /** The same gates with these promotion windows. */
    public GatePolicy withWindows(PromotionWindows newWindows) {
        return new GatePolicy(signedBy, scanMaxAge, fromPrevious, approval, provenance, attestedBy, newWindows, soak,
                slo);
    }

    /** The same gates with this soak time. */
    public GatePolicy withSoak(Duration newSoak) {
        return new GatePolicy(signedBy, scanMaxAge, fromPrevious, approval, provenance, attestedBy, windows, newSoak,
                slo);
    }

    /** The same gates with this error-budget gate. */
    public GatePolicy withSlo(SloPolicy newSlo) {
        return new GatePolicy(signedBy, scanMaxAge, fromPrevious, approval, provenance, attestedBy, windows, soak,
                newSlo);
    }

    public GatePolicy {
        signedBy = signedBy == null ? List.of() : List.copyOf(signedBy);
        attestedBy = attestedBy == null ? List.of() : List.copyOf(attestedBy);
        if (scanMaxAge != null && (scanMaxAge.isNegative() || scanMaxAge.isZero())) {
            throw EngineException.badInput("the scan gate's maximum age must be positive, not " + scanMaxAge);
        }
        if (soak != null && (soak.isNegative() || soak.isZero())) {
            throw EngineException.badInput("the soak gate's time must be positive, not " + soak);
        }
        if ((scanMaxAge != null || provenance != null) && attestedBy.isEmpty()) {
            throw EngineException.badInput("the scan and provenance gates verify attestations: give the public keys"
                    + " trusted to sign them");
        }
    }
}
