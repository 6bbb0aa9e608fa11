package io.jenkins.plugins.immutable.sign;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.image.Descriptor;
import io.jenkins.plugins.immutable.image.Digest;
import io.jenkins.plugins.immutable.image.ImageIndex;
import io.jenkins.plugins.immutable.image.ImageManifest;
import io.jenkins.plugins.immutable.image.ImageReference;
import io.jenkins.plugins.immutable.image.Manifest;
import io.jenkins.plugins.immutable.image.MediaTypes;
import io.jenkins.plugins.immutable.image.Repository;
import io.jenkins.plugins.immutable.registry.RegistryClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * cosign's legacy attachment layout (specs/SIGNATURE_SPEC.md), which skopeo, Harbor and cosign before v3 read: in the
 * image's repository, the tag {@code sha256-<hex>.sig} (signatures) or {@code .att} (attestations) holds an OCI image
 * manifest with one layer per signature or attestation. Adding one appends a layer and keeps the others.
 *
 * <p>The registry API has no compare-and-swap, so two writers appending at once can lose one layer (the spec calls
 * this layout racy). An append therefore reads the tag back after writing and, if its layer is missing, merges again,
 * a few times, before reporting the conflict.
 */
public final class CosignAttachments {

    public static final String SIGNATURES = ".sig";
    public static final String ATTESTATIONS = ".att";

    private static final int APPEND_ATTEMPTS = 5;
    private static final long MAX_LAYER_BYTES = 4 * 1024 * 1024;

    /**
     * One attached layer as read: its descriptor, and its bytes (verified against the descriptor's digest by the
     * registry client) or, when they could not be read or did not match, the problem instead.
     */
    public record Layer(Descriptor descriptor, byte[] content, String problem) {
    }

    private CosignAttachments() {
    }

    /** The attachment tag for an image digest: {@code repo:sha256-<hex>.sig} or {@code .att}. */
    public static ImageReference tag(Repository repository, Digest image, String suffix) {
        return repository.tag(image.tagSafe() + suffix);
    }

    /**
     * Appends a layer to the attachment manifest of an image, creating it when absent. A layer with the same
     * digest and annotations already there is not added twice (signing twice is harmless); layers for which
     * {@code replaces} is true are dropped (cosign's {@code --replace}). Returns the tag, pinned to the manifest written.
     */
    public static ImageReference append(RegistryClient client, Repository repository, Digest image, String suffix,
            byte[] content, String mediaType, Map<String, String> annotations, Predicate<Descriptor> replaces) {
        Descriptor layer = client.pushBlob(repository, content).withMediaType(mediaType).withAnnotations(annotations);
        ImageReference tag = tag(repository, image, suffix);
        for (int attempt = 1; attempt <= APPEND_ATTEMPTS; attempt++) {
            List<Descriptor> layers = new ArrayList<>();
            for (Descriptor existing : currentLayers(client, tag)) {
                if (!replaces.test(existing)) {
                    layers.add(existing);
                }
            }
            if (layers.stream().noneMatch(d -> same(d, layer))) {
                layers.add(layer);
            }
            ImageReference written = client.putManifest(tag, manifest(client, repository, layers));
            if (currentLayers(client, tag).stream().anyMatch(d -> same(d, layer))) {
                return written;
            }
        }
        throw EngineException.outage("another writer kept replacing " + tag + " while this layer was appended ("
                + APPEND_ATTEMPTS + " attempts); run again when the other signing job has finished", null);
    }

    /** Every layer under the attachment tag, with its content; empty when the tag does not exist. */
    public static List<Layer> read(RegistryClient client, Repository repository, Digest image, String suffix) {
        List<Layer> layers = new ArrayList<>();
        for (Descriptor descriptor : currentLayers(client, tag(repository, image, suffix))) {
            if (descriptor.size() > MAX_LAYER_BYTES) {
                layers.add(new Layer(descriptor, null, "is " + descriptor.size() + " bytes, larger than any signature"
                        + " or attestation this verifier reads (" + MAX_LAYER_BYTES + ")"));
                continue;
            }
            try {
                layers.add(new Layer(descriptor, client.readBlob(repository, descriptor), null));
            } catch (EngineException e) {
                if (e.kind() == EngineException.Kind.OUTAGE) {
                    throw e;
                }
                layers.add(new Layer(descriptor, null, "cannot be read: " + e.getMessage()));
            }
        }
        return layers;
    }

    private static List<Descriptor> currentLayers(RegistryClient client, ImageReference tag) {
        Manifest current = client.findManifest(tag).orElse(null);
        if (current == null) {
            return List.of();
        }
        if (current instanceof ImageIndex) {
            throw EngineException.badInput(tag + " holds an image index, not the image manifest cosign's layout puts"
                    + " there; it was written by another tool. Remove the tag to sign again");
        }
        return ((ImageManifest) current).layers();
    }

    private static boolean same(Descriptor a, Descriptor b) {
        return a.digest().equals(b.digest()) && a.annotations().equals(b.annotations());
    }

    /** The manifest cosign writes: OCI, a config listing the layers as its diff ids, the layers in order. */
    private static ImageManifest manifest(RegistryClient client, Repository repository, List<Descriptor> layers) {
        ObjectNode config = Json.STRICT.createObjectNode();
        config.put("architecture", "");
        config.put("created", "0001-01-01T00:00:00Z");
        ArrayNode history = config.putArray("history");
        config.put("os", "");
        ObjectNode rootfs = config.putObject("rootfs");
        rootfs.put("type", "layers");
        ArrayNode diffIds = rootfs.putArray("diff_ids");
        for (Descriptor layer : layers) {
            history.addObject().put("created", "0001-01-01T00:00:00Z");
            diffIds.add(layer.digest().toString());
        }
        config.putObject("config");
        byte[] configBytes;
        try {
            configBytes = Json.STRICT.writeValueAsBytes(config);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serialises", e);
        }
        Descriptor configDescriptor = client.pushBlob(repository, configBytes).withMediaType(MediaTypes.OCI_CONFIG);
        return ImageManifest.builder(MediaTypes.OCI_MANIFEST).config(configDescriptor).layers(layers).build();
    }
}
