package io.jenkins.plugins.immutable.promote;

import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.sign.SignatureVerification;
import io.jenkins.plugins.immutable.sign.SignatureVerifier;
import io.jenkins.plugins.immutable.sign.TrustPolicy;
import io.jenkins.plugins.immutable.sign.VerificationKey;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Passes when one of the environment's keys signed the digest. The key and the digest decide: the repository a
 * signature names is not checked, because a promoted image keeps the signatures made where it was built.
 */
public final class SignatureGate implements Gate {

    public static final String NAME = "signed";

    private final SignatureVerifier verifier;
    private final TrustPolicy policy;

    public SignatureGate(SignatureVerifier verifier, List<VerificationKey> keys) {
        this.verifier = verifier;
        this.policy = TrustPolicy.of(keys).withAnyIdentity();
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public GateResult check(GateContext c) {
        SignatureVerification v = verifier.verify(c.image(), policy);
        if (v.isVerified()) {
            return GateResult.pass(NAME, "signed by " + v.verifiedKeys().stream().map(VerificationKey::shortId)
                    .collect(Collectors.joining(", ")));
        }
        try {
            v.requireVerified();
            throw new IllegalStateException("an unverified signature check must throw");
        } catch (EngineException e) {
            if (e.kind() == EngineException.Kind.OUTAGE) {
                throw e;
            }
            return GateResult.refuse(NAME, e.getMessage() + (e.kind() == EngineException.Kind.INTEGRITY
                    ? " (something was altered: do not promote this digest)" : ""));
        }
    }
}
