package io.jenkins.plugins.immutable.image;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jenkins.plugins.immutable.EngineException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One image (or an OCI artifact): a config and its layers. OCI image manifest or Docker schema 2 manifest, keeping
 * the exact bytes; build new ones with {@link #builder(String)}, which serialises once.
 */
public final class ImageManifest implements Manifest {

    private final byte[] bytes;
    private final Digest digest;
    private final String mediaType;
    private final Descriptor config;
    private final List<Descriptor> layers;
    private final String artifactType;
    private final Descriptor subject;
    private final Map<String, String> annotations;

    ImageManifest(byte[] bytes, String mediaType, Descriptor config, List<Descriptor> layers, String artifactType,
                  Descriptor subject, Map<String, String> annotations) {
        this.bytes = bytes.clone();
        this.digest = Digest.sha256(this.bytes);
        this.mediaType = mediaType;
        this.config = Objects.requireNonNull(config, "config");
        this.layers = List.copyOf(layers);
        this.artifactType = artifactType;
        this.subject = subject;
        this.annotations = Map.copyOf(annotations);
    }

    /** A builder for a manifest of the given media type ({@link MediaTypes#OCI_MANIFEST} or Docker's). */
    public static Builder builder(String mediaType) {
        return new Builder(mediaType);
    }

    @Override
    public String mediaType() {
        return mediaType;
    }

    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    @Override
    public Digest digest() {
        return digest;
    }

    @Override
    public long size() {
        return bytes.length;
    }

    public Descriptor config() {
        return config;
    }

    public List<Descriptor> layers() {
        return layers;
    }

    /** The config and the layers: every blob this manifest needs in its repository. */
    public List<Descriptor> blobs() {
        List<Descriptor> all = new ArrayList<>(layers.size() + 1);
        all.add(config);
        all.addAll(layers);
        return all;
    }

    @Override
    public String artifactType() {
        return artifactType;
    }

    @Override
    public Descriptor subject() {
        return subject;
    }

    @Override
    public Map<String, String> annotations() {
        return annotations;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ImageManifest other && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return digest.hashCode();
    }

    @Override
    public String toString() {
        return mediaType + " " + digest + " (" + layers.size() + " layers)";
    }

    /** Builds an image manifest and serialises it once; the result's bytes are what a registry will store. */
    public static final class Builder {
        private final String mediaType;
        private Descriptor config;
        private final List<Descriptor> layers = new ArrayList<>();
        private String artifactType;
        private Descriptor subject;
        private final Map<String, String> annotations = new LinkedHashMap<>();

        private Builder(String mediaType) {
            if (!MediaTypes.isImageManifest(mediaType)) {
                throw EngineException.badInput("'" + mediaType + "' is not an image manifest type; use "
                        + MediaTypes.OCI_MANIFEST + " or " + MediaTypes.DOCKER_MANIFEST);
            }
            this.mediaType = mediaType;
        }

        public Builder config(Descriptor config) {
            this.config = config;
            return this;
        }

        public Builder layer(Descriptor layer) {
            layers.add(Objects.requireNonNull(layer, "layer"));
            return this;
        }

        public Builder layers(List<Descriptor> all) {
            all.forEach(this::layer);
            return this;
        }

        public Builder artifactType(String type) {
            this.artifactType = type;
            return this;
        }

        public Builder subject(Descriptor subjectDescriptor) {
            this.subject = subjectDescriptor;
            return this;
        }

        public Builder annotation(String key, String value) {
            annotations.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        public Builder annotations(Map<String, String> all) {
            all.forEach(this::annotation);
            return this;
        }

        public ImageManifest build() {
            if (config == null) {
                throw EngineException.badInput("an image manifest needs a config descriptor (for artifacts without"
                        + " one, the empty config " + MediaTypes.OCI_EMPTY + ")");
            }
            boolean docker = mediaType.equals(MediaTypes.DOCKER_MANIFEST);
            if (docker && (artifactType != null || subject != null || !annotations.isEmpty())) {
                throw EngineException.badInput("Docker schema 2 manifests have no artifactType, subject or"
                        + " annotations; build an OCI manifest (" + MediaTypes.OCI_MANIFEST + ") instead");
            }
            ObjectNode root = ManifestJson.MAPPER.createObjectNode();
            root.put("schemaVersion", 2);
            root.put("mediaType", mediaType);
            if (artifactType != null) {
                root.put("artifactType", artifactType);
            }
            root.set("config", ManifestJson.descriptorNode(config));
            ArrayNode layerArray = root.putArray("layers");
            layers.forEach(l -> layerArray.add(ManifestJson.descriptorNode(l)));
            if (subject != null) {
                root.set("subject", ManifestJson.descriptorNode(subject));
            }
            ManifestJson.putAnnotations(root, annotations);
            return new ImageManifest(ManifestJson.write(root), mediaType, config, layers, artifactType, subject,
                    annotations);
        }
    }
}
