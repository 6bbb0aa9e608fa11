package io.jenkins.plugins.immutable.sign;

import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One signature as cosign's legacy layout stores it: a layer (media type {@value SimpleSigningPayload#MEDIA_TYPE})
 * holding the payload bytes, with the base64 DER signature in the layer annotation {@value #SIGNATURE_ANNOTATION}.
 * Signatures this engine makes also carry {@value #KEY_ID_ANNOTATION}, the signer's {@link VerificationKey#keyId()}:
 * an unauthenticated hint (cosign and skopeo ignore it) that lets a verifier say whether a failed signature was made
 * by a trusted key over a changed payload or by another key altogether. It never decides acceptance.
 *
 * @param payload the layer's bytes: a simple-signing payload, exactly as signed
 * @param annotations the layer's annotations
 */
public record CosignSignature(byte[] payload, Map<String, String> annotations) {

    public static final String SIGNATURE_ANNOTATION = "dev.cosignproject.cosign/signature";
    public static final String KEY_ID_ANNOTATION = "io.jenkins.immutable-delivery/key-id";

    public CosignSignature {
        Objects.requireNonNull(payload, "payload");
        annotations = Map.copyOf(annotations);
    }

    /** Signs a payload: the layer content and its annotations. */
    public static CosignSignature create(SimpleSigningPayload payload, SigningKey key) {
        byte[] bytes = payload.toJson();
        Map<String, String> annotations = new LinkedHashMap<>();
        annotations.put(SIGNATURE_ANNOTATION, Base64.getEncoder().encodeToString(key.sign(bytes)));
        annotations.put(KEY_ID_ANNOTATION, key.publicKey().keyId());
        return new CosignSignature(bytes, annotations);
    }

    /** The base64 signature annotation, or null when the layer has none. */
    public String base64Signature() {
        return annotations.get(SIGNATURE_ANNOTATION);
    }

    /** The signer's key id as the layer claims it, or null (cosign's own signatures carry none). */
    public String claimedKeyId() {
        return annotations.get(KEY_ID_ANNOTATION);
    }
}
