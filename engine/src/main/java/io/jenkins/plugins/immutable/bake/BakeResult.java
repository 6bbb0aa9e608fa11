package io.jenkins.plugins.immutable.bake;

import java.io.Serializable;
import io.jenkins.plugins.immutable.image.ImageReference;
import java.util.Map;
import java.util.Objects;

/**
 * A baked and pushed image: its reference pinned by digest (with the tag it was pushed under, when there was one), the
 * provenance of what went in, the annotations on its manifest, and what the push had to send.
 *
 * @param image         {@code registry/repository[:tag]@sha256:...}; always pinned
 * @param provenance    what went into the image, who built it, how
 * @param annotations   the manifest's annotations ({@code org.opencontainers.image.*})
 * @param layers        how many layers the image has
 * @param layersPushed  how many of them had to be uploaded (the rest the registry already had, or mounted)
 * @param bytesPushed   bytes uploaded for layers and config, or -1 when the engine does not say
 */
public record BakeResult(ImageReference image, Provenance provenance, Map<String, String> annotations, int layers,
        int layersPushed, long bytesPushed) implements Serializable {

    private static final long serialVersionUID = 1L;

    public BakeResult {
        Objects.requireNonNull(image, "image");
        if (!image.isPinned()) {
            throw new IllegalArgumentException("a bake result is always pinned by digest: " + image);
        }
        Objects.requireNonNull(provenance, "provenance");
        annotations = Map.copyOf(annotations);
    }
}
