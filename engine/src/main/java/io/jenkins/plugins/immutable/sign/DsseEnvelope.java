package io.jenkins.plugins.immutable.sign;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;

/**
 * A DSSE envelope (secure-systems-lab/dsse): a payload, its type, and signatures over the pre-authentication
 * encoding {@link #pae} of both, so a signature can never be replayed for another payload type. Written as
 * {@code {"payloadType","payload"(base64),"signatures":[{"keyid","sig"(base64)}]}}; standard and URL-safe base64
 * are both read. The {@code keyid} is written empty, as cosign writes it: cosign's verifier skips a signature whose
 * keyid differs from the fingerprint it computes.
 */
public record DsseEnvelope(String payloadType, byte[] payload, List<Signature> signatures) {

    /** The media type of a layer holding an envelope (cosign's {@code .att} layers). */
    public static final String MEDIA_TYPE = "application/vnd.dsse.envelope.v1+json";
    /** The payload type of an in-toto statement. */
    public static final String IN_TOTO_PAYLOAD_TYPE = "application/vnd.in-toto+json";

    /** One signature: an unauthenticated key hint (may be empty) and the DER ECDSA signature over the PAE. */
    public record Signature(String keyId, byte[] sig) {
        public Signature {
            keyId = keyId == null ? "" : keyId;
            Objects.requireNonNull(sig, "sig");
        }
    }

    public DsseEnvelope {
        Objects.requireNonNull(payloadType, "payloadType");
        Objects.requireNonNull(payload, "payload");
        signatures = List.copyOf(signatures);
    }

    /** Signs a payload with one key. */
    public static DsseEnvelope sign(String payloadType, byte[] payload, SigningKey key) {
        return new DsseEnvelope(payloadType, payload, List.of(new Signature("", key.sign(pae(payloadType, payload)))));
    }

    /**
     * The pre-authentication encoding: {@code "DSSEv1" SP len(type) SP type SP len(body) SP body}, lengths being the
     * byte counts in ASCII decimal.
     */
    public static byte[] pae(String payloadType, byte[] payload) {
        byte[] type = payloadType.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream(payload.length + type.length + 32);
        out.writeBytes(("DSSEv1 " + type.length + " ").getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(type);
        out.writeBytes((" " + payload.length + " ").getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(payload);
        return out.toByteArray();
    }

    /** The keys (of those given) whose signature over this envelope verifies. */
    public List<VerificationKey> verifiedKeys(List<VerificationKey> keys) {
        byte[] pae = pae(payloadType, payload);
        List<VerificationKey> verified = new ArrayList<>();
        for (VerificationKey key : keys) {
            for (Signature signature : signatures) {
                if (key.verify(pae, signature.sig())) {
                    verified.add(key);
                    break;
                }
            }
        }
        return verified;
    }

    public byte[] toJson() {
        ObjectNode root = Json.STRICT.createObjectNode();
        root.put("payloadType", payloadType);
        root.put("payload", Base64.getEncoder().encodeToString(payload));
        ArrayNode list = root.putArray("signatures");
        for (Signature signature : signatures) {
            list.addObject().put("keyid", signature.keyId()).put("sig",
                    Base64.getEncoder().encodeToString(signature.sig()));
        }
        try {
            return Json.STRICT.writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serialises", e);
        }
    }

    /** Reads an envelope; throws {@link IllegalArgumentException} saying what is wrong. */
    public static DsseEnvelope parse(byte[] json) {
        JsonNode root;
        try {
            root = Json.STRICT.readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException("the DSSE envelope is not JSON");
        }
        return fromJson(root);
    }

    /** Reads an envelope from a parsed tree (a bundle's {@code dsseEnvelope}). */
    public static DsseEnvelope fromJson(JsonNode root) {
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("the DSSE envelope is not a JSON object");
        }
        JsonNode type = root.get("payloadType");
        JsonNode payload = root.get("payload");
        JsonNode signatures = root.get("signatures");
        if (type == null || !type.isTextual() || payload == null || !payload.isTextual()
                || signatures == null || !signatures.isArray()) {
            throw new IllegalArgumentException("the DSSE envelope lacks payloadType, payload or signatures");
        }
        List<Signature> list = new ArrayList<>();
        for (JsonNode s : signatures) {
            JsonNode sig = s.get("sig");
            if (sig == null || !sig.isTextual()) {
                throw new IllegalArgumentException("a DSSE signature has no 'sig'");
            }
            list.add(new Signature(s.path("keyid").asText(""), decodeBase64(sig.asText(), "sig")));
        }
        return new DsseEnvelope(type.asText(), decodeBase64(payload.asText(), "payload"), list);
    }

    /** Standard or URL-safe base64, padded or not, as DSSE verifiers must accept. */
    static byte[] decodeBase64(String text, String field) {
        try {
            // Java's decoder accepts missing padding; mapping the URL-safe alphabet covers the other encoding
            return Base64.getDecoder().decode(text.replace('-', '+').replace('_', '/'));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the DSSE " + field + " is not base64");
        }
    }
}
