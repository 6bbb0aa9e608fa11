package io.jenkins.plugins.immutable.sign;

import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.image.ImageReference;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The outcome of verifying an image's signatures: one finding per signature found (verified, or rejected with its
 * reason). The image is verified when at least one signature is; rejected signatures beside a verified one are
 * reported, not fatal (anyone with push access can add a signature, only trusted keys make one count).
 *
 * @param image the image verified, pinned to its digest
 * @param policy what was trusted
 */
public record SignatureVerification(ImageReference image, TrustPolicy policy, List<SignatureFinding> findings) {

    public SignatureVerification {
        findings = List.copyOf(findings);
    }

    public boolean isVerified() {
        return findings.stream().anyMatch(SignatureFinding::isVerified);
    }

    /** The trusted keys with at least one verified signature, in the order found. */
    public List<VerificationKey> verifiedKeys() {
        return findings.stream().filter(SignatureFinding::isVerified).map(SignatureFinding::verifiedBy).distinct()
                .toList();
    }

    public List<SignatureFinding> rejected() {
        return findings.stream().filter(f -> !f.isVerified()).toList();
    }

    /**
     * Returns quietly when verified; otherwise throws an error that says why each signature was refused, or that
     * there is none. INTEGRITY when something was altered (a changed payload, a signature moved from another image),
     * REFUSED otherwise.
     */
    public void requireVerified() {
        if (isVerified()) {
            return;
        }
        if (findings.isEmpty()) {
            throw EngineException.refused(image + " has no signature at all: neither a "
                    + CosignAttachments.tag(image.repository(), image.digest(), CosignAttachments.SIGNATURES).tag()
                    + " tag nor a Sigstore bundle referrer. Sign it (the sign step, `immutable sign` or cosign) with a"
                    + " key trusted here " + policy.keyList());
        }
        String reasons = findings.stream().map(SignatureFinding::toString).collect(Collectors.joining("; "));
        String message = image + " has no signature by a trusted key " + policy.keyList() + ": " + reasons;
        boolean altered = findings.stream().anyMatch(f -> f.failure() == SignatureFinding.Failure.TAMPERED_PAYLOAD
                || f.failure() == SignatureFinding.Failure.OTHER_DIGEST);
        throw altered ? EngineException.integrity(message) : EngineException.refused(message);
    }

    /** One line for a log: verified by which keys, or why not. */
    public String summary() {
        if (isVerified()) {
            return image + " is signed by " + verifiedKeys().stream().map(VerificationKey::shortId)
                    .collect(Collectors.joining(", ")) + (rejected().isEmpty() ? ""
                    : " (" + rejected().size() + " other signature(s) rejected)");
        }
        return findings.isEmpty() ? image + " has no signature" : image + " has no signature by a trusted key ("
                + findings.size() + " rejected)";
    }
}
