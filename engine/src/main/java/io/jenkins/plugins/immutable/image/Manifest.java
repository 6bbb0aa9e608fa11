package io.jenkins.plugins.immutable.image;

import java.util.Map;

/**
 * A manifest as a registry holds it: an {@link ImageManifest} (one image, or an artifact such as a signature) or an
 * {@link ImageIndex} (several manifests, typically one per platform). Both keep the exact bytes they were parsed
 * from or serialised to, once; {@link #digest()} is the sha256 of those bytes, never of re-serialised JSON.
 * Instances are immutable and safe to share between threads.
 */
public sealed interface Manifest permits ImageManifest, ImageIndex {

    /** The media type, one of {@link MediaTypes#MANIFESTS}. */
    String mediaType();

    /** A copy of the exact bytes. */
    byte[] bytes();

    /** The sha256 of {@link #bytes()}: the manifest's identity in the registry. */
    Digest digest();

    /** The length of {@link #bytes()}. */
    long size();

    /** The OCI 1.1 {@code artifactType}, or null. */
    String artifactType();

    /** The OCI 1.1 {@code subject}: the manifest this one is attached to (a signature's image), or null. */
    Descriptor subject();

    /** Manifest-level annotations, never null. */
    Map<String, String> annotations();

    /** A descriptor pointing at this manifest, carrying its artifact type, for use in an index or a referrers list. */
    default Descriptor descriptor() {
        return new Descriptor(mediaType(), digest(), size(), null, artifactType(), null, null);
    }

    /**
     * Parses manifest bytes as a registry served them. The media type comes from the JSON's {@code mediaType} field,
     * else from {@code contentType} (the response's Content-Type, may be null), else from the shape.
     */
    static Manifest parse(byte[] bytes, String contentType) {
        return ManifestJson.parse(bytes, contentType);
    }
}
