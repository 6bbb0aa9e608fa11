package io.jenkins.plugins.immutable.sign;

import io.jenkins.plugins.immutable.image.Digest;
import io.jenkins.plugins.immutable.image.Repository;
import java.util.Base64;

/** Verifies one legacy-layout signature (a simple-signing payload and its annotations) against a trust policy. */
final class SimpleSigningCheck {

    private SimpleSigningCheck() {
    }

    static SignatureFinding check(String location, CosignSignature signature, TrustPolicy policy,
            Digest expectedDigest, Repository imageRepository) {
        String base64 = signature.base64Signature();
        if (base64 == null || base64.isBlank()) {
            return SignatureFinding.rejected(location, SignatureFinding.Failure.MALFORMED, "has no "
                    + CosignSignature.SIGNATURE_ANNOTATION + " annotation; it is not a key-based cosign signature");
        }
        byte[] der;
        try {
            der = Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            return SignatureFinding.rejected(location, SignatureFinding.Failure.MALFORMED,
                    "has a signature annotation that is not base64");
        }
        SignatureFinding authenticated = policy.authenticate(location, signature.payload(), der,
                signature.claimedKeyId());
        if (!authenticated.isVerified()) {
            return authenticated;
        }
        // only bytes that verified are parsed
        SimpleSigningPayload payload;
        try {
            payload = SimpleSigningPayload.parse(signature.payload());
        } catch (IllegalArgumentException e) {
            return SignatureFinding.rejected(location, SignatureFinding.Failure.MALFORMED,
                    "verifies with key " + authenticated.verifiedBy().shortId() + " but " + e.getMessage());
        }
        return policy.checkClaims(authenticated, payload.manifestDigest(), payload.dockerReference(), expectedDigest,
                imageRepository);
    }
}
