package io.jenkins.plugins.immutable.promote;

import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.attest.AttestationVerifier;
import io.jenkins.plugins.immutable.attest.PredicateTypes;
import io.jenkins.plugins.immutable.attest.ScanAttestation;
import io.jenkins.plugins.immutable.attest.Statement;
import io.jenkins.plugins.immutable.scan.ScanReport;
import io.jenkins.plugins.immutable.sign.TrustPolicy;
import io.jenkins.plugins.immutable.sign.VerificationKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Passes when the newest verified scan attestation of the digest (cosign's vuln predicate, whose result is this
 * project's scan report) passed its policy and is no older than the environment allows. The newest decides, so a
 * scan that finds a new critical vulnerability stops a digest that passed before.
 */
public final class ScanGate implements Gate {

    public static final String NAME = "scanned";

    private final AttestationVerifier verifier;
    private final TrustPolicy policy;
    private final Duration maxAge;
    private final Clock clock;

    public ScanGate(AttestationVerifier verifier, List<VerificationKey> keys, Duration maxAge, Clock clock) {
        this.verifier = Objects.requireNonNull(verifier, "verifier");
        this.policy = TrustPolicy.of(keys).withAnyIdentity();
        this.maxAge = Objects.requireNonNull(maxAge, "maxAge");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public GateResult check(GateContext c) {
        String what = c.digest().shortForm();
        List<Statement> statements;
        try {
            statements = verifier.verify(c.image(), policy).requireVerified(PredicateTypes.COSIGN_VULN_V1);
        } catch (EngineException e) {
            if (e.kind() == EngineException.Kind.OUTAGE) {
                throw e;
            }
            return GateResult.refuse(NAME, "no verified scan attestation for " + what + ": " + e.getMessage()
                    + ". Scan it and attest the result (the scan step with attest, or `immutable scan --attest`)");
        }
        ScanReport newest = ScanAttestation.newest(statements).orElse(null);
        if (newest == null) {
            return GateResult.refuse(NAME, what + " has " + statements.size() + " verified vuln attestation(s), but"
                    + " none carries a scan report of this scanner: scan it again with this tool and attest the"
                    + " result");
        }
        Instant now = clock.instant();
        Duration age = Duration.between(newest.finishedOn(), now);
        if (age.compareTo(maxAge) > 0) {
            return GateResult.refuse(NAME, "the newest scan of " + what + " finished at " + newest.finishedOn()
                    + ", " + human(age) + " ago, older than the " + human(maxAge) + " " + c.environment().name()
                    + " accepts: scan it again (new vulnerabilities may be known since) and attest the result");
        }
        if (!newest.passed()) {
            return GateResult.refuse(NAME, "the newest scan of " + what + " (finished " + newest.finishedOn()
                    + ") failed its policy: " + String.join("; ", newest.reasons()) + ". Fix the image and promote"
                    + " a new digest, or record an ignore with a reason and scan again");
        }
        return GateResult.pass(NAME, "scan of " + newest.finishedOn() + " passed (" + newest.summary() + ")");
    }

    static String human(Duration d) {
        if (d.toDays() >= 2) {
            return d.toDays() + " days";
        }
        if (d.toHours() >= 2) {
            return d.toHours() + " hours";
        }
        if (d.toMinutes() >= 2) {
            return d.toMinutes() + " minutes";
        }
        return d.toSeconds() + " seconds";
    }
}
