package io.jenkins.plugins.immutable.sign;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.Base64;

/**
 * A Sigstore bundle v0.3 ({@value #MEDIA_TYPE}) for a key-based signature, in the protobuf JSON form sigstore's
 * clients read: {@code {"mediaType","verificationMaterial":{"publicKey":{"hint"}},"dsseEnvelope":{...}}} or, in
 * place of the envelope, {@code "messageSignature":{"messageDigest":{"algorithm","digest"},"signature"}}. Exactly one
 * of {@link #dsseEnvelope} and {@link #messageSignature} is set. Bundles written here carry no transparency-log entry
 * (there is no Rekor to log to); cosign verifies them with {@code --insecure-ignore-tlog}.
 *
 * @param publicKeyHint the key hint, {@link VerificationKey#bundleHint()} for bundles this engine writes; may be null
 */
public record SigstoreBundle(String publicKeyHint, DsseEnvelope dsseEnvelope, MessageSignature messageSignature) {

    public static final String MEDIA_TYPE = "application/vnd.dev.sigstore.bundle.v0.3+json";
    /** Manifest annotation saying what the bundle holds: {@code dsse-envelope} or {@code message-signature}. */
    public static final String CONTENT_ANNOTATION = "dev.sigstore.bundle.content";
    /** Manifest annotation naming the predicate type of a DSSE bundle's statement. */
    public static final String PREDICATE_TYPE_ANNOTATION = "dev.sigstore.bundle.predicateType";

    /**
     * A signature over a message known by its digest. For an image, the message is its manifest: the digest is the
     * image digest and the signature is ECDSA over that SHA-256.
     */
    public record MessageSignature(String algorithm, byte[] digest, byte[] signature) {
    }

    public SigstoreBundle {
        if ((dsseEnvelope == null) == (messageSignature == null)) {
            throw new IllegalArgumentException("a bundle holds either a DSSE envelope or a message signature");
        }
    }

    /** What {@link #CONTENT_ANNOTATION} says about this bundle. */
    public String content() {
        return dsseEnvelope != null ? "dsse-envelope" : "message-signature";
    }

    /** The signer's key id as the bundle claims it (unauthenticated), or null. */
    public String claimedKeyId() {
        return TrustPolicy.keyIdFromHint(publicKeyHint);
    }

    public byte[] toJson() {
        ObjectNode root = Json.STRICT.createObjectNode();
        root.put("mediaType", MEDIA_TYPE);
        ObjectNode material = root.putObject("verificationMaterial");
        if (publicKeyHint != null) {
            material.putObject("publicKey").put("hint", publicKeyHint);
        }
        if (dsseEnvelope != null) {
            ObjectNode envelope = root.putObject("dsseEnvelope");
            envelope.put("payload", Base64.getEncoder().encodeToString(dsseEnvelope.payload()));
            envelope.put("payloadType", dsseEnvelope.payloadType());
            ArrayNode signatures = envelope.putArray("signatures");
            for (DsseEnvelope.Signature s : dsseEnvelope.signatures()) {
                ObjectNode node = signatures.addObject();
                node.put("sig", Base64.getEncoder().encodeToString(s.sig()));
                if (!s.keyId().isEmpty()) {
                    node.put("keyid", s.keyId());
                }
            }
        } else {
            ObjectNode message = root.putObject("messageSignature");
            message.putObject("messageDigest").put("algorithm", messageSignature.algorithm())
                    .put("digest", Base64.getEncoder().encodeToString(messageSignature.digest()));
            message.put("signature", Base64.getEncoder().encodeToString(messageSignature.signature()));
        }
        try {
            return Json.STRICT.writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serialises", e);
        }
    }

    /** Reads a bundle; throws {@link IllegalArgumentException} saying what is wrong. */
    public static SigstoreBundle parse(byte[] json) {
        JsonNode root;
        try {
            root = Json.STRICT.readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException("the Sigstore bundle is not JSON");
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("the Sigstore bundle is not a JSON object");
        }
        String mediaType = root.path("mediaType").asText("");
        if (!mediaType.startsWith("application/vnd.dev.sigstore.bundle")) {
            throw new IllegalArgumentException("the bundle's mediaType is '" + mediaType + "', not " + MEDIA_TYPE);
        }
        JsonNode hint = root.path("verificationMaterial").path("publicKey").path("hint");
        String publicKeyHint = hint.isTextual() ? hint.asText() : null;
        JsonNode envelope = root.get("dsseEnvelope");
        if (envelope != null) {
            return new SigstoreBundle(publicKeyHint, DsseEnvelope.fromJson(envelope), null);
        }
        JsonNode message = root.get("messageSignature");
        if (message == null) {
            throw new IllegalArgumentException("the bundle holds neither a dsseEnvelope nor a messageSignature");
        }
        JsonNode digest = message.path("messageDigest");
        if (!digest.path("digest").isTextual() || !message.path("signature").isTextual()) {
            throw new IllegalArgumentException("the bundle's messageSignature lacks messageDigest.digest or signature");
        }
        return new SigstoreBundle(publicKeyHint, null, new MessageSignature(digest.path("algorithm").asText(""),
                DsseEnvelope.decodeBase64(digest.path("digest").asText(), "messageDigest"),
                DsseEnvelope.decodeBase64(message.path("signature").asText(), "signature")));
    }
}
