package io.jenkins.plugins.immutable.sign;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jenkins.plugins.immutable.image.Digest;
import java.io.IOException;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * The claim a cosign signature signs (Red Hat's "simple signing" format as sigstore/sigstore's payload package
 * writes it): {@code {"critical":{"identity":{"docker-reference"},"image":{"docker-manifest-digest"},"type":
 * "cosign container image signature"},"optional":{...}}}. The keys are lowercase with hyphens, whatever some prose
 * shows. Parsing is as strict as containers/image's: the critical section has exactly these three members.
 *
 * @param dockerReference the repository the signer claims the image is ({@code registry/path}, no tag), as cosign
 *     writes it
 * @param manifestDigest the digest of the signed manifest
 * @param annotations the {@code optional} section's members as text (cosign's {@code -a key=value}); empty when
 *     there are none, written as {@code null} as cosign does
 */
public record SimpleSigningPayload(String dockerReference, Digest manifestDigest, Map<String, String> annotations) {

    /** The value of {@code critical.type}. */
    public static final String TYPE = "cosign container image signature";
    /** The media type of the layer that holds a payload. */
    public static final String MEDIA_TYPE = "application/vnd.dev.cosign.simplesigning.v1+json";

    private static final ObjectMapper JSON = Json.STRICT;
    private static final Set<String> CRITICAL_MEMBERS = Set.of("identity", "image", "type");

    public SimpleSigningPayload {
        Objects.requireNonNull(dockerReference, "dockerReference");
        Objects.requireNonNull(manifestDigest, "manifestDigest");
        annotations = annotations == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(annotations));
    }

    /** The exact bytes to sign and store. */
    public byte[] toJson() {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode critical = root.putObject("critical");
        critical.putObject("identity").put("docker-reference", dockerReference);
        critical.putObject("image").put("docker-manifest-digest", manifestDigest.toString());
        critical.put("type", TYPE);
        if (annotations.isEmpty()) {
            root.putNull("optional");
        } else {
            ObjectNode optional = root.putObject("optional");
            annotations.forEach(optional::put);
        }
        try {
            return JSON.writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serialises", e);
        }
    }

    /**
     * Reads a payload. Throws {@link IllegalArgumentException} saying what is wrong when the bytes are not a cosign
     * simple-signing payload; verifiers turn that into the reason a signature is rejected.
     */
    public static SimpleSigningPayload parse(byte[] json) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException("the payload is not JSON");
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("the payload is not a JSON object");
        }
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!name.equals("critical") && !name.equals("optional")) {
                throw new IllegalArgumentException("the payload has an unexpected member '" + name + "'");
            }
        }
        JsonNode critical = root.get("critical");
        if (critical == null || !critical.isObject()) {
            throw new IllegalArgumentException("the payload has no 'critical' section");
        }
        for (Iterator<String> it = critical.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!CRITICAL_MEMBERS.contains(name)) {
                throw new IllegalArgumentException("the payload's critical section has an unexpected member '"
                        + name + "'");
            }
        }
        String type = critical.path("type").asText(null);
        if (!TYPE.equals(type)) {
            throw new IllegalArgumentException("the payload's critical.type is '" + type + "', not '" + TYPE + "'");
        }
        JsonNode reference = critical.path("identity").path("docker-reference");
        JsonNode digest = critical.path("image").path("docker-manifest-digest");
        if (!reference.isTextual() || !digest.isTextual()) {
            throw new IllegalArgumentException("the payload lacks critical.identity.docker-reference or"
                    + " critical.image.docker-manifest-digest (lowercase keys)");
        }
        Digest manifestDigest;
        try {
            manifestDigest = Digest.parse(digest.asText());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("the payload's docker-manifest-digest '" + digest.asText()
                    + "' is not a digest");
        }
        Map<String, String> annotations = new LinkedHashMap<>();
        JsonNode optional = root.get("optional");
        if (optional != null && optional.isObject()) {
            optional.fields().forEachRemaining(e -> annotations.put(e.getKey(),
                    e.getValue().isTextual() ? e.getValue().asText() : e.getValue().toString()));
        } else if (optional != null && !optional.isNull()) {
            throw new IllegalArgumentException("the payload's optional section is not an object");
        }
        return new SimpleSigningPayload(reference.asText(), manifestDigest, annotations);
    }
}
