package io.jenkins.plugins.immutable.sign;

import java.util.Objects;

/**
 * What a verifier found for one signature of an image: verified by a trusted key, or rejected for a named reason.
 *
 * @param location where the signature was found ({@code repo:sha256-<hex>.sig layer 2}, a bundle's digest)
 * @param verifiedBy the trusted key that verified it, or null when rejected
 * @param failure why it was rejected, or null when verified
 * @param detail a sentence for people: what was found and what it means
 */
public record SignatureFinding(String location, VerificationKey verifiedBy, Failure failure, String detail) {

    /** The reasons a signature is rejected, each with its own remedy. */
    public enum Failure {
        /** The layer or bundle is not a well-formed signature (no annotation, bad base64, unreadable payload). */
        MALFORMED,
        /** A trusted key signed it, but the payload was changed afterwards. */
        TAMPERED_PAYLOAD,
        /** Signed by a key that is not trusted. */
        UNTRUSTED_KEY,
        /** Verifies with no trusted key, and names no signer: another key, or a changed payload. */
        NO_TRUSTED_KEY_VERIFIES,
        /** A valid signature, but for another image digest (copied or moved). */
        OTHER_DIGEST,
        /** A valid signature for this digest, but claiming a repository that is not accepted. */
        OTHER_IDENTITY
    }

    public SignatureFinding {
        Objects.requireNonNull(location, "location");
        Objects.requireNonNull(detail, "detail");
        if ((verifiedBy == null) == (failure == null)) {
            throw new IllegalArgumentException("a finding is either verified or rejected");
        }
    }

    public static SignatureFinding verified(String location, VerificationKey key, String detail) {
        return new SignatureFinding(location, key, null, detail);
    }

    public static SignatureFinding rejected(String location, Failure failure, String detail) {
        return new SignatureFinding(location, null, failure, detail);
    }

    public boolean isVerified() {
        return verifiedBy != null;
    }

    @Override
    public String toString() {
        return location + ": " + detail;
    }
}
