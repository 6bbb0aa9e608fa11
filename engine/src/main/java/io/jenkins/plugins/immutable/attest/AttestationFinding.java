package io.jenkins.plugins.immutable.attest;

import io.jenkins.plugins.immutable.sign.SignatureFinding;
import io.jenkins.plugins.immutable.sign.VerificationKey;
import java.util.Objects;

/**
 * What the verifier found for one attestation: verified (with its statement) or rejected for a named reason.
 *
 * @param location where it was found
 * @param predicateType the statement's predicate type when it could be read, else the one its layer claims (may be
 *     null)
 * @param verifiedBy the trusted key that signed it, or null when rejected
 * @param failure why it was rejected, or null
 * @param detail a sentence for people
 * @param statement the verified statement, or null when rejected
 */
public record AttestationFinding(String location, String predicateType, VerificationKey verifiedBy,
        SignatureFinding.Failure failure, String detail, Statement statement) {

    public AttestationFinding {
        Objects.requireNonNull(location, "location");
        Objects.requireNonNull(detail, "detail");
        if ((verifiedBy == null) == (failure == null) || (verifiedBy != null) != (statement != null)) {
            throw new IllegalArgumentException("a finding is either verified with its statement or rejected");
        }
    }

    public boolean isVerified() {
        return verifiedBy != null;
    }

    @Override
    public String toString() {
        return location + (predicateType == null ? "" : " (" + predicateType + ")") + ": " + detail;
    }
}
