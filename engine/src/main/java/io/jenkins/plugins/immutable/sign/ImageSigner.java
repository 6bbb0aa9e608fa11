package io.jenkins.plugins.immutable.sign;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.ProgressListener;
import io.jenkins.plugins.immutable.image.Descriptor;
import io.jenkins.plugins.immutable.image.ImageReference;
import io.jenkins.plugins.immutable.registry.RegistryClient;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Signs images by digest, as cosign does: a simple-signing payload in the {@code sha256-<hex>.sig} tag (cosign's
 * legacy layout) and/or a Sigstore bundle referrer (cosign v3: a DSSE envelope around an in-toto statement of type
 * {@code https://sigstore.dev/cosign/sign/v1} whose subject is the image). A tag given to sign is resolved to its
 * digest once, and the digest is what is signed.
 */
public final class ImageSigner {

    /** The predicate type cosign v3 signs images with. */
    public static final String COSIGN_SIGN_PREDICATE = "https://sigstore.dev/cosign/sign/v1";

    private final RegistryClient client;
    private final ProgressListener listener;

    public ImageSigner(RegistryClient client) {
        this(client, ProgressListener.NONE);
    }

    private ImageSigner(RegistryClient client, ProgressListener listener) {
        this.client = Objects.requireNonNull(client, "client");
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    public ImageSigner withListener(ProgressListener progressListener) {
        return new ImageSigner(client, progressListener);
    }

    /** Signs in both formats. */
    public SignResult sign(ImageReference image, SigningKey key, Map<String, String> annotations) {
        return sign(image, key, annotations, Set.of(SignatureFormat.LEGACY, SignatureFormat.BUNDLE));
    }

    /**
     * Signs the image's digest with the key, storing the signature in the given formats.
     *
     * @param annotations signed claims to add (cosign's {@code -a key=value}); may be empty
     */
    public SignResult sign(ImageReference image, SigningKey key, Map<String, String> annotations,
            Set<SignatureFormat> formats) {
        if (formats.isEmpty()) {
            throw EngineException.badInput("no signature format chosen; choose LEGACY, BUNDLE or both");
        }
        Descriptor subject = client.headManifest(image).orElseThrow(() -> EngineException.badInput(
                "there is no image " + image + " to sign; check the reference, or push the image first"));
        if (image.isPinned() && !image.digest().equals(subject.digest())) {
            throw EngineException.integrity("registry " + image.registry() + " answers " + image + " with manifest "
                    + subject.digest() + "; it does not serve what the reference pins");
        }
        ImageReference pinned = image.withDigest(subject.digest());
        String repository = pinned.repository().toString();
        if (!image.isPinned()) {
            listener.line("Resolved " + image + " to " + subject.digest() + "; signing the digest");
        }
        ImageReference signatureTag = null;
        ImageReference bundle = null;
        if (formats.contains(SignatureFormat.LEGACY)) {
            CosignSignature signature = CosignSignature.create(
                    new SimpleSigningPayload(repository, subject.digest(), annotations), key);
            signatureTag = CosignAttachments.append(client, pinned.repository(), subject.digest(),
                    CosignAttachments.SIGNATURES, signature.payload(), SimpleSigningPayload.MEDIA_TYPE,
                    signature.annotations(), layer -> false);
            listener.line("Signed " + repository + "@" + subject.digest() + " with key " + key.publicKey().shortId()
                    + " (" + signatureTag.repository() + ":" + signatureTag.tag() + ")");
        }
        if (formats.contains(SignatureFormat.BUNDLE)) {
            DsseEnvelope envelope = DsseEnvelope.sign(DsseEnvelope.IN_TOTO_PAYLOAD_TYPE,
                    signStatement(repository, subject, annotations), key);
            bundle = SigstoreReferrers.attach(client, pinned, subject,
                    new SigstoreBundle(key.publicKey().bundleHint(), envelope, null), COSIGN_SIGN_PREDICATE);
            listener.line("Attached a Sigstore bundle signature to " + repository + "@" + subject.digest()
                    + " (referrer " + bundle.digest().shortForm() + ")");
        }
        return new SignResult(pinned, key.publicKey(), signatureTag, bundle);
    }

    /** The statement cosign v3 signs: the image as subject, its signing predicate type, an empty predicate. */
    private static byte[] signStatement(String repository, Descriptor subject, Map<String, String> annotations) {
        ObjectNode statement = Json.STRICT.createObjectNode();
        statement.put("_type", "https://in-toto.io/Statement/v1");
        ObjectNode entry = statement.putArray("subject").addObject();
        entry.put("name", repository);
        entry.putObject("digest").put(subject.digest().algorithm().label(), subject.digest().hex());
        if (!annotations.isEmpty()) {
            ObjectNode node = entry.putObject("annotations");
            new java.util.TreeMap<>(annotations).forEach(node::put);
        }
        statement.put("predicateType", COSIGN_SIGN_PREDICATE);
        statement.putObject("predicate");
        try {
            return Json.STRICT.writeValueAsBytes(statement);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serialises", e);
        }
    }
}
