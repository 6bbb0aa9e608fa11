package io.jenkins.plugins.immutable.attest;

import io.jenkins.plugins.immutable.image.Digest;
import io.jenkins.plugins.immutable.image.ImageReference;
import io.jenkins.plugins.immutable.image.Repository;
import io.jenkins.plugins.immutable.registry.RegistryClient;
import io.jenkins.plugins.immutable.sign.CosignAttachments;
import io.jenkins.plugins.immutable.sign.CosignSignature;
import io.jenkins.plugins.immutable.sign.DsseEnvelope;
import io.jenkins.plugins.immutable.sign.SignatureFinding;
import io.jenkins.plugins.immutable.sign.SignatureFinding.Failure;
import io.jenkins.plugins.immutable.sign.SigstoreBundle;
import io.jenkins.plugins.immutable.sign.SigstoreReferrers;
import io.jenkins.plugins.immutable.sign.TrustPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Verifies an image's attestations against trusted keys: every DSSE layer of its {@code sha256-<hex>.att} tag and
 * every Sigstore bundle referrer that is not a plain signature. Each envelope is authenticated before its statement
 * is read; the statement must then have the image's digest among its subjects.
 */
public final class AttestationVerifier {

    /** The predicate type of cosign v3's image signatures, which are bundles too but not attestations. */
    private static final String COSIGN_SIGN_PREDICATE = PredicateTypes.COSIGN_SIGN_V1;

    private final RegistryClient client;

    public AttestationVerifier(RegistryClient client) {
        this.client = Objects.requireNonNull(client, "client");
    }

    public AttestationVerification verify(ImageReference image, TrustPolicy policy) {
        ImageReference pinned = image.isPinned() ? image : client.resolve(image);
        Repository repository = pinned.repository();
        Digest digest = pinned.digest();
        List<AttestationFinding> findings = new ArrayList<>();
        String tag = CosignAttachments.tag(repository, digest, CosignAttachments.ATTESTATIONS).tag();
        List<CosignAttachments.Layer> layers = CosignAttachments.read(client, repository, digest,
                CosignAttachments.ATTESTATIONS);
        for (int i = 0; i < layers.size(); i++) {
            CosignAttachments.Layer layer = layers.get(i);
            String location = repository + ":" + tag + " layer " + (i + 1);
            String claimedType = layer.descriptor().annotations().get(Attestor.PREDICATE_TYPE_ANNOTATION);
            if (layer.problem() != null) {
                findings.add(rejected(location, claimedType, Failure.MALFORMED, layer.problem()));
            } else if (!DsseEnvelope.MEDIA_TYPE.equals(layer.descriptor().mediaType())) {
                findings.add(rejected(location, claimedType, Failure.MALFORMED, "has media type "
                        + layer.descriptor().mediaType() + ", not " + DsseEnvelope.MEDIA_TYPE));
            } else {
                DsseEnvelope envelope;
                try {
                    envelope = DsseEnvelope.parse(layer.content());
                } catch (IllegalArgumentException e) {
                    findings.add(rejected(location, claimedType, Failure.MALFORMED, e.getMessage()));
                    continue;
                }
                findings.add(check(location, claimedType, envelope,
                        layer.descriptor().annotations().get(CosignSignature.KEY_ID_ANNOTATION), policy, digest));
            }
        }
        for (SigstoreReferrers.Found found : SigstoreReferrers.find(client, repository, digest)) {
            String claimedType = found.annotations().get(SigstoreBundle.PREDICATE_TYPE_ANNOTATION);
            if (COSIGN_SIGN_PREDICATE.equals(claimedType)) {
                continue;
            }
            String location = found.location(repository);
            if (found.problem() != null) {
                findings.add(rejected(location, claimedType, Failure.MALFORMED, found.problem()));
            } else if (found.bundle().dsseEnvelope() != null) {
                AttestationFinding finding = check(location, claimedType, found.bundle().dsseEnvelope(),
                        found.bundle().claimedKeyId(), policy, digest);
                if (!COSIGN_SIGN_PREDICATE.equals(finding.predicateType())) {
                    findings.add(finding);
                }
            }
        }
        return new AttestationVerification(pinned, policy, findings);
    }

    static AttestationFinding check(String location, String claimedType, DsseEnvelope envelope, String claimedKeyId,
            TrustPolicy policy, Digest digest) {
        SignatureFinding authenticated = policy.authenticateEnvelope(location, envelope, claimedKeyId);
        if (!authenticated.isVerified()) {
            return rejected(location, claimedType, authenticated.failure(), authenticated.detail());
        }
        String key = authenticated.verifiedBy().shortId();
        if (!DsseEnvelope.IN_TOTO_PAYLOAD_TYPE.equals(envelope.payloadType())) {
            return rejected(location, claimedType, Failure.MALFORMED, "verifies with key " + key + " but its payload"
                    + " type is " + envelope.payloadType() + ", not an in-toto statement");
        }
        Statement statement;
        try {
            statement = Statement.parse(envelope.payload());
        } catch (IllegalArgumentException e) {
            return rejected(location, claimedType, Failure.MALFORMED, "verifies with key " + key + " but "
                    + e.getMessage());
        }
        if (!statement.covers(digest)) {
            return rejected(location, statement.predicateType(), Failure.OTHER_DIGEST, "is a valid attestation by"
                    + " key " + key + ", but about " + statement.subjects().stream().map(s -> s.digest().toString())
                    .toList() + ", not " + digest + ": it was copied from another image");
        }
        return new AttestationFinding(location, statement.predicateType(), authenticated.verifiedBy(), null,
                "verified by key " + key, statement);
    }

    private static AttestationFinding rejected(String location, String type, Failure failure, String detail) {
        return new AttestationFinding(location, type, null, failure, detail, null);
    }
}
