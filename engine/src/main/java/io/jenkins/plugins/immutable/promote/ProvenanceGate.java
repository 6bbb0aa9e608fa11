package io.jenkins.plugins.immutable.promote;

import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.attest.AttestationVerifier;
import io.jenkins.plugins.immutable.attest.ProvenancePolicy;
import io.jenkins.plugins.immutable.attest.SlsaProvenance;
import io.jenkins.plugins.immutable.attest.Statement;
import io.jenkins.plugins.immutable.sign.TrustPolicy;
import io.jenkins.plugins.immutable.sign.VerificationKey;
import java.util.List;
import java.util.Objects;

/** Passes when a verified SLSA provenance of the digest meets the environment's provenance policy. */
public final class ProvenanceGate implements Gate {

    public static final String NAME = "provenance";

    private final AttestationVerifier verifier;
    private final TrustPolicy policy;
    private final ProvenancePolicy provenance;

    public ProvenanceGate(AttestationVerifier verifier, List<VerificationKey> keys, ProvenancePolicy provenance) {
        this.verifier = Objects.requireNonNull(verifier, "verifier");
        this.policy = TrustPolicy.of(keys).withAnyIdentity();
        this.provenance = Objects.requireNonNull(provenance, "provenance");
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public GateResult check(GateContext c) {
        try {
            Statement s = verifier.verify(c.image(), policy).requireProvenance(provenance);
            SlsaProvenance p = SlsaProvenance.read(s.predicate());
            return GateResult.pass(NAME, p.summary());
        } catch (EngineException e) {
            if (e.kind() == EngineException.Kind.OUTAGE) {
                throw e;
            }
            return GateResult.refuse(NAME, e.getMessage());
        }
    }
}
