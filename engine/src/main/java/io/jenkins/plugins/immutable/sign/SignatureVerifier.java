package io.jenkins.plugins.immutable.sign;

import com.fasterxml.jackson.databind.JsonNode;
import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.image.Descriptor;
import io.jenkins.plugins.immutable.image.Digest;
import io.jenkins.plugins.immutable.image.ImageReference;
import io.jenkins.plugins.immutable.image.Repository;
import io.jenkins.plugins.immutable.registry.RegistryClient;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Verifies an image's signatures against trusted keys: every simple-signing layer of its {@code sha256-<hex>.sig}
 * tag and every Sigstore bundle that refers to it (cosign v3 signatures; bundles of other predicate types are
 * attestations and are left to the attestation verifier). Each signature's bytes are authenticated before they are
 * parsed; then its digest claim must be the image's and its identity claim an accepted repository.
 */
public final class SignatureVerifier {

    private final RegistryClient client;

    public SignatureVerifier(RegistryClient client) {
        this.client = Objects.requireNonNull(client, "client");
    }

    /** Finds and checks the signatures of the image (a tag is resolved to its digest first). */
    public SignatureVerification verify(ImageReference image, TrustPolicy policy) {
        ImageReference pinned = image.isPinned() ? image : client.resolve(image);
        Repository repository = pinned.repository();
        Digest digest = pinned.digest();
        List<SignatureFinding> findings = new ArrayList<>();
        String tag = CosignAttachments.tag(repository, digest, CosignAttachments.SIGNATURES).tag();
        List<CosignAttachments.Layer> layers = CosignAttachments.read(client, repository, digest,
                CosignAttachments.SIGNATURES);
        for (int i = 0; i < layers.size(); i++) {
            CosignAttachments.Layer layer = layers.get(i);
            String location = repository + ":" + tag + " layer " + (i + 1);
            findings.add(checkLayer(location, layer, policy, digest, repository));
        }
        for (SigstoreReferrers.Found found : SigstoreReferrers.find(client, repository, digest)) {
            SignatureFinding finding = checkBundle(found.location(repository), found, policy, digest, repository);
            if (finding != null) {
                findings.add(finding);
            }
        }
        return new SignatureVerification(pinned, policy, findings);
    }

    private static SignatureFinding checkLayer(String location, CosignAttachments.Layer layer, TrustPolicy policy,
            Digest digest, Repository repository) {
        if (layer.problem() != null) {
            return SignatureFinding.rejected(location, SignatureFinding.Failure.MALFORMED, layer.problem());
        }
        Descriptor descriptor = layer.descriptor();
        if (!SimpleSigningPayload.MEDIA_TYPE.equals(descriptor.mediaType())) {
            return SignatureFinding.rejected(location, SignatureFinding.Failure.MALFORMED, "has media type "
                    + descriptor.mediaType() + ", not " + SimpleSigningPayload.MEDIA_TYPE);
        }
        return SimpleSigningCheck.check(location, new CosignSignature(layer.content(), descriptor.annotations()),
                policy, digest, repository);
    }

    /** The finding for a bundle, or null when the bundle is not a signature (an attestation). */
    static SignatureFinding checkBundle(String location, SigstoreReferrers.Found found, TrustPolicy policy,
            Digest digest, Repository repository) {
        String annotatedType = found.annotations().get(SigstoreBundle.PREDICATE_TYPE_ANNOTATION);
        if (annotatedType != null && !annotatedType.equals(ImageSigner.COSIGN_SIGN_PREDICATE)) {
            return null;
        }
        if (found.problem() != null) {
            return SignatureFinding.rejected(location, SignatureFinding.Failure.MALFORMED, found.problem());
        }
        SigstoreBundle bundle = found.bundle();
        if (bundle.messageSignature() != null) {
            SigstoreBundle.MessageSignature message = bundle.messageSignature();
            if (!"SHA2_256".equals(message.algorithm()) || message.digest().length != 32) {
                return SignatureFinding.rejected(location, SignatureFinding.Failure.MALFORMED,
                        "signs a message digest of algorithm '" + message.algorithm() + "'; only SHA2_256 is supported");
            }
            SignatureFinding authenticated = policy.authenticateDigest(location, message.digest(),
                    message.signature(), bundle.claimedKeyId());
            if (!authenticated.isVerified()) {
                return authenticated;
            }
            return policy.checkClaims(authenticated, Digest.of(Digest.Algorithm.SHA256, message.digest()), null,
                    digest, repository);
        }
        SignatureFinding authenticated = policy.authenticateEnvelope(location, bundle.dsseEnvelope(),
                bundle.claimedKeyId());
        if (!authenticated.isVerified()) {
            return authenticated;
        }
        JsonNode statement;
        try {
            statement = Json.STRICT.readTree(bundle.dsseEnvelope().payload());
        } catch (IOException e) {
            statement = null;
        }
        if (!DsseEnvelope.IN_TOTO_PAYLOAD_TYPE.equals(bundle.dsseEnvelope().payloadType()) || statement == null
                || !statement.path("subject").isArray()) {
            return SignatureFinding.rejected(location, SignatureFinding.Failure.MALFORMED, "verifies with key "
                    + authenticated.verifiedBy().shortId() + " but does not hold an in-toto statement");
        }
        if (!ImageSigner.COSIGN_SIGN_PREDICATE.equals(statement.path("predicateType").asText())) {
            return null;
        }
        Digest signed = null;
        String name = null;
        for (JsonNode subject : statement.path("subject")) {
            String hex = subject.path("digest").path(digest.algorithm().label()).asText("");
            if (signed == null || hex.equals(digest.hex())) {
                try {
                    signed = new Digest(digest.algorithm(), hex);
                } catch (EngineException e) {
                    continue;
                }
                name = subject.path("name").asText("");
            }
        }
        if (signed == null) {
            return SignatureFinding.rejected(location, SignatureFinding.Failure.MALFORMED, "verifies with key "
                    + authenticated.verifiedBy().shortId() + " but its statement names no " + digest.algorithm().label()
                    + " subject");
        }
        return policy.checkClaims(authenticated, signed, name.isEmpty() ? null : name, digest, repository);
    }
}
