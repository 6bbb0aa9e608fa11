package io.jenkins.plugins.immutable.image;

import java.io.Serializable;
import io.jenkins.plugins.immutable.EngineException;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What points at content in a registry: its media type, digest and size, with the optional annotations, artifact
 * type, platform (in an index) and URLs (of non-distributable layers).
 *
 * @param annotations  never null; sorted by key, as Go's JSON encoder writes maps
 * @param artifactType or null
 * @param platform     or null
 * @param urls         never null
 */
public record Descriptor(String mediaType, Digest digest, long size, Map<String, String> annotations,
                         String artifactType, Platform platform, List<String> urls) implements Serializable {

    private static final long serialVersionUID = 1L;

    public Descriptor {
        if (mediaType == null || mediaType.isBlank()) {
            throw EngineException.badInput("a descriptor needs a media type");
        }
        Objects.requireNonNull(digest, "digest");
        if (size < 0) {
            throw EngineException.badInput("descriptor " + digest + " has a negative size " + size);
        }
        annotations = annotations == null || annotations.isEmpty() ? Map.of()
                : Collections.unmodifiableMap(new TreeMap<>(annotations));
        urls = urls == null ? List.of() : List.copyOf(urls);
    }

    public Descriptor(String mediaType, Digest digest, long size) {
        this(mediaType, digest, size, Map.of(), null, null, List.of());
    }

    /** The descriptor of the given bytes. */
    public static Descriptor of(String mediaType, byte[] content) {
        return new Descriptor(mediaType, Digest.sha256(content), content.length);
    }

    public Descriptor withAnnotations(Map<String, String> newAnnotations) {
        return new Descriptor(mediaType, digest, size, newAnnotations, artifactType, platform, urls);
    }

    public Descriptor withArtifactType(String newArtifactType) {
        return new Descriptor(mediaType, digest, size, annotations, newArtifactType, platform, urls);
    }

    public Descriptor withPlatform(Platform newPlatform) {
        return new Descriptor(mediaType, digest, size, annotations, artifactType, newPlatform, urls);
    }

    public Descriptor withMediaType(String newMediaType) {
        return new Descriptor(newMediaType, digest, size, annotations, artifactType, platform, urls);
    }

    @Override
    public String toString() {
        return mediaType + " " + digest + " (" + size + " bytes)" + (platform == null ? "" : " " + platform);
    }
}
