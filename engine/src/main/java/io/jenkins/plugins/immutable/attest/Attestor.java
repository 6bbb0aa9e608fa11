package io.jenkins.plugins.immutable.attest;

import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.ProgressListener;
import io.jenkins.plugins.immutable.image.Descriptor;
import io.jenkins.plugins.immutable.image.ImageReference;
import io.jenkins.plugins.immutable.registry.RegistryClient;
import io.jenkins.plugins.immutable.sign.CosignAttachments;
import io.jenkins.plugins.immutable.sign.CosignSignature;
import io.jenkins.plugins.immutable.sign.DsseEnvelope;
import io.jenkins.plugins.immutable.sign.SignatureFormat;
import io.jenkins.plugins.immutable.sign.SigningKey;
import io.jenkins.plugins.immutable.sign.SigstoreBundle;
import io.jenkins.plugins.immutable.sign.SigstoreReferrers;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Attaches signed attestations to an image, as cosign does: the in-toto statement in a DSSE envelope signed with
 * the key, stored as a layer of the {@code sha256-<hex>.att} tag ({@value DsseEnvelope#MEDIA_TYPE}, annotation
 * {@value #PREDICATE_TYPE_ANNOTATION}) and/or as a Sigstore bundle referrer (cosign v3). Any predicate goes: SLSA
 * provenance from {@link SlsaProvenance}, the scan step's vulnerability predicate, or another JSON document.
 */
public final class Attestor {

    /** The layer annotation cosign gives the predicate type of an attestation in the {@code .att} tag. */
    public static final String PREDICATE_TYPE_ANNOTATION = "predicateType";

    private final RegistryClient client;
    private final ProgressListener listener;

    public Attestor(RegistryClient client) {
        this(client, ProgressListener.NONE);
    }

    private Attestor(RegistryClient client, ProgressListener listener) {
        this.client = Objects.requireNonNull(client, "client");
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    public Attestor withListener(ProgressListener progressListener) {
        return new Attestor(client, progressListener);
    }

    /** Attests in both layouts, keeping earlier attestations. */
    public AttestResult attest(ImageReference image, Statement statement, SigningKey key) {
        return attest(image, statement, key, Set.of(SignatureFormat.LEGACY, SignatureFormat.BUNDLE), false);
    }

    /**
     * Signs the statement and attaches it to the image.
     *
     * @param replace drop earlier {@code .att} layers of the same predicate type (cosign's {@code --replace})
     */
    public AttestResult attest(ImageReference image, Statement statement, SigningKey key,
            Set<SignatureFormat> formats, boolean replace) {
        if (formats.isEmpty()) {
            throw EngineException.badInput("no attestation format chosen; choose LEGACY, BUNDLE or both");
        }
        Descriptor subject = client.headManifest(image).orElseThrow(() -> EngineException.badInput(
                "there is no image " + image + " to attest; check the reference, or push the image first"));
        if (!statement.covers(subject.digest())) {
            throw EngineException.badInput("the statement is about " + statement.subjects() + ", not " + image
                    + " (" + subject.digest() + "); build the statement for this image's digest");
        }
        ImageReference pinned = image.withDigest(subject.digest());
        String type = statement.predicateType();
        DsseEnvelope envelope = DsseEnvelope.sign(DsseEnvelope.IN_TOTO_PAYLOAD_TYPE, statement.toJson(), key);
        ImageReference attestationTag = null;
        ImageReference bundle = null;
        if (formats.contains(SignatureFormat.LEGACY)) {
            Map<String, String> annotations = new LinkedHashMap<>();
            annotations.put(PREDICATE_TYPE_ANNOTATION, type);
            // cosign writes an empty signature annotation on attestation layers: the signature is in the envelope
            annotations.put(CosignSignature.SIGNATURE_ANNOTATION, "");
            annotations.put(CosignSignature.KEY_ID_ANNOTATION, key.publicKey().keyId());
            attestationTag = CosignAttachments.append(client, pinned.repository(), subject.digest(),
                    CosignAttachments.ATTESTATIONS, envelope.toJson(), DsseEnvelope.MEDIA_TYPE, annotations,
                    layer -> replace && type.equals(layer.annotations().get(PREDICATE_TYPE_ANNOTATION)));
        }
        if (formats.contains(SignatureFormat.BUNDLE)) {
            bundle = SigstoreReferrers.attach(client, pinned, subject,
                    new SigstoreBundle(key.publicKey().bundleHint(), envelope, null), type);
        }
        listener.line("Attested " + type + " for " + pinned.repository() + "@" + subject.digest() + " with key "
                + key.publicKey().shortId());
        return new AttestResult(pinned, type, attestationTag, bundle);
    }
}
