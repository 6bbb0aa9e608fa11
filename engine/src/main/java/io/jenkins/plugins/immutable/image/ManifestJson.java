package io.jenkins.plugins.immutable.image;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jenkins.plugins.immutable.EngineException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reading and writing the JSON of manifests and descriptors; the types keep the exact bytes. */
final class ManifestJson {

    static final ObjectMapper MAPPER = new ObjectMapper();
    /** Registries cap manifests at a few MiB; so does containerd. Larger input is refused before parsing. */
    static final int MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

    private ManifestJson() {
    }

    static Manifest parse(byte[] bytes, String contentType) {
        if (bytes.length > MAX_MANIFEST_BYTES) {
            throw EngineException.badInput("the manifest is " + bytes.length + " bytes, more than the "
                    + MAX_MANIFEST_BYTES + " bytes a registry accepts; it is not a manifest");
        }
        JsonNode root;
        try {
            root = MAPPER.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw EngineException.badInput("the manifest is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (root == null || !root.isObject()) {
            throw EngineException.badInput("the manifest is not a JSON object");
        }
        if (root.path("schemaVersion").asInt() == 1 || MediaTypes.DOCKER_MANIFEST_V1.equals(contentType)
                || MediaTypes.DOCKER_MANIFEST_V1_SIGNED.equals(contentType)) {
            throw EngineException.badInput("this is a Docker schema 1 manifest, which is deprecated and not supported;"
                    + " rebuild and push the image with a current Docker or buildx to get a schema 2 or OCI manifest");
        }
        if (root.path("schemaVersion").asInt() != 2) {
            throw EngineException.badInput("the manifest has schemaVersion " + root.path("schemaVersion")
                    + "; only 2 (OCI and Docker schema 2) is supported");
        }
        String mediaType = text(root, "mediaType");
        if (mediaType == null && contentType != null) {
            String bare = contentType.split(";")[0].trim();
            if (MediaTypes.isManifest(bare)) {
                mediaType = bare;
            }
        }
        if (mediaType == null) {
            mediaType = root.has("manifests") ? MediaTypes.OCI_INDEX : MediaTypes.OCI_MANIFEST;
        }
        try {
            if (MediaTypes.isIndex(mediaType)) {
                List<Descriptor> manifests = new ArrayList<>();
                for (JsonNode d : array(root, "manifests")) {
                    manifests.add(descriptor(d));
                }
                return new ImageIndex(bytes, mediaType, manifests, text(root, "artifactType"),
                        optionalDescriptor(root, "subject"), stringMap(root.get("annotations")));
            }
            if (MediaTypes.isImageManifest(mediaType)) {
                JsonNode config = root.get("config");
                if (config == null || !config.isObject()) {
                    throw EngineException.badInput("the image manifest has no config descriptor");
                }
                List<Descriptor> layers = new ArrayList<>();
                for (JsonNode d : array(root, "layers")) {
                    layers.add(descriptor(d));
                }
                return new ImageManifest(bytes, mediaType, descriptor(config), layers, text(root, "artifactType"),
                        optionalDescriptor(root, "subject"), stringMap(root.get("annotations")));
            }
        } catch (EngineException e) {
            throw EngineException.badInput("the manifest is malformed: " + e.getMessage());
        }
        throw EngineException.badInput("'" + mediaType + "' is not a manifest type this tool reads; expected one of "
                + MediaTypes.MANIFESTS);
    }

    private static Iterable<JsonNode> array(JsonNode root, String field) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw EngineException.badInput("'" + field + "' is not an array");
        }
        return node;
    }

    private static Descriptor optionalDescriptor(JsonNode root, String field) {
        JsonNode node = root.get(field);
        return node == null || node.isNull() ? null : descriptor(node);
    }

    static Descriptor descriptor(JsonNode node) {
        if (!node.isObject()) {
            throw EngineException.badInput("a descriptor is not a JSON object");
        }
        String digest = text(node, "digest");
        if (digest == null) {
            throw EngineException.badInput("a descriptor has no digest");
        }
        JsonNode size = node.get("size");
        if (size == null || !size.canConvertToLong()) {
            throw EngineException.badInput("the descriptor of " + digest + " has no valid size");
        }
        Platform platform = null;
        JsonNode p = node.get("platform");
        if (p != null && p.isObject()) {
            List<String> features = new ArrayList<>();
            p.path("os.features").forEach(f -> features.add(f.asText()));
            platform = new Platform(text(p, "os"), text(p, "architecture"), text(p, "variant"),
                    text(p, "os.version"), features);
        }
        List<String> urls = new ArrayList<>();
        node.path("urls").forEach(u -> urls.add(u.asText()));
        String mediaType = text(node, "mediaType");
        return new Descriptor(mediaType == null ? MediaTypes.OCTET_STREAM : mediaType, Digest.parse(digest),
                size.asLong(), stringMap(node.get("annotations")), text(node, "artifactType"), platform, urls);
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    private static Map<String, String> stringMap(JsonNode node) {
        if (node == null || !node.isObject()) {
            return Map.of();
        }
        Map<String, String> map = new LinkedHashMap<>();
        node.properties().forEach(e -> map.put(e.getKey(), e.getValue().asText()));
        return map;
    }

    // ---- writing: field order as the OCI spec's examples show, maps sorted by key, compact as Go writes it

    static ObjectNode descriptorNode(Descriptor d) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("mediaType", d.mediaType());
        if (d.artifactType() != null) {
            node.put("artifactType", d.artifactType());
        }
        node.put("digest", d.digest().toString());
        node.put("size", d.size());
        if (!d.urls().isEmpty()) {
            ArrayNode urls = node.putArray("urls");
            d.urls().forEach(urls::add);
        }
        if (!d.annotations().isEmpty()) {
            ObjectNode a = node.putObject("annotations");
            d.annotations().forEach(a::put);
        }
        if (d.platform() != null) {
            Platform p = d.platform();
            ObjectNode pn = node.putObject("platform");
            pn.put("architecture", p.architecture());
            pn.put("os", p.os());
            if (p.osVersion() != null) {
                pn.put("os.version", p.osVersion());
            }
            if (!p.osFeatures().isEmpty()) {
                ArrayNode f = pn.putArray("os.features");
                p.osFeatures().forEach(f::add);
            }
            if (p.variant() != null) {
                pn.put("variant", p.variant());
            }
        }
        return node;
    }

    static void putAnnotations(ObjectNode node, Map<String, String> annotations) {
        if (!annotations.isEmpty()) {
            ObjectNode a = node.putObject("annotations");
            new java.util.TreeMap<>(annotations).forEach(a::put);
        }
    }

    static byte[] write(ObjectNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a manifest tree always serialises", e);
        }
    }
}
