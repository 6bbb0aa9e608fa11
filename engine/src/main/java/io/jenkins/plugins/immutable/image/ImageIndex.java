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
 * A list of manifests: an OCI image index or a Docker manifest list (one image per platform), or the index that
 * lists an image's referrers. Keeps the exact bytes; build new ones with {@link #builder(String)}.
 */
public final class ImageIndex implements Manifest {

    private final byte[] bytes;
    private final Digest digest;
    private final String mediaType;
    private final List<Descriptor> manifests;
    private final String artifactType;
    private final Descriptor subject;
    private final Map<String, String> annotations;

    ImageIndex(byte[] bytes, String mediaType, List<Descriptor> manifests, String artifactType, Descriptor subject,
               Map<String, String> annotations) {
        this.bytes = bytes.clone();
        this.digest = Digest.sha256(this.bytes);
        this.mediaType = mediaType;
        this.manifests = List.copyOf(manifests);
        this.artifactType = artifactType;
        this.subject = subject;
        this.annotations = Map.copyOf(annotations);
    }

    /** A builder for an index of the given media type ({@link MediaTypes#OCI_INDEX} or Docker's manifest list). */
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

    /** The manifests listed, in order. */
    public List<Descriptor> manifests() {
        return manifests;
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
        return o instanceof ImageIndex other && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return digest.hashCode();
    }

    @Override
    public String toString() {
        return mediaType + " " + digest + " (" + manifests.size() + " manifests)";
    }

    /** Builds an index and serialises it once. */
    public static final class Builder {
        private final String mediaType;
        private final List<Descriptor> manifests = new ArrayList<>();
        private String artifactType;
        private Descriptor subject;
        private final Map<String, String> annotations = new LinkedHashMap<>();

        private Builder(String mediaType) {
            if (!MediaTypes.isIndex(mediaType)) {
                throw EngineException.badInput("'" + mediaType + "' is not an index type; use "
                        + MediaTypes.OCI_INDEX + " or " + MediaTypes.DOCKER_MANIFEST_LIST);
            }
            this.mediaType = mediaType;
        }

        public Builder manifest(Descriptor manifest) {
            manifests.add(Objects.requireNonNull(manifest, "manifest"));
            return this;
        }

        public Builder manifests(List<Descriptor> all) {
            all.forEach(this::manifest);
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

        public ImageIndex build() {
            boolean docker = mediaType.equals(MediaTypes.DOCKER_MANIFEST_LIST);
            if (docker && (artifactType != null || subject != null || !annotations.isEmpty())) {
                throw EngineException.badInput("Docker manifest lists have no artifactType, subject or annotations;"
                        + " build an OCI index (" + MediaTypes.OCI_INDEX + ") instead");
            }
            ObjectNode root = ManifestJson.MAPPER.createObjectNode();
            root.put("schemaVersion", 2);
            root.put("mediaType", mediaType);
            if (artifactType != null) {
                root.put("artifactType", artifactType);
            }
            ArrayNode list = root.putArray("manifests");
            manifests.forEach(m -> list.add(ManifestJson.descriptorNode(m)));
            if (subject != null) {
                root.set("subject", ManifestJson.descriptorNode(subject));
            }
            ManifestJson.putAnnotations(root, annotations);
            return new ImageIndex(ManifestJson.write(root), mediaType, manifests, artifactType, subject, annotations);
        }
    }
}
