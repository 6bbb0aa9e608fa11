package io.jenkins.plugins.immutable.attest;

import io.jenkins.plugins.immutable.image.Digest;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What an in-toto statement is about: a name and its digests ({@code {"sha256": "<hex>"}}). Statements are matched to
 * an image by digest, never by name.
 *
 * @param name the image's repository (registry host included, no tag), as cosign names it
 * @param digest algorithm label to lowercase hex
 */
public record Subject(String name, Map<String, String> digest) {

    public Subject {
        name = name == null ? "" : name;
        Objects.requireNonNull(digest, "digest");
        digest = Collections.unmodifiableMap(new TreeMap<>(digest));
    }

    /** The subject for an image: its repository and manifest digest. */
    public static Subject of(String name, Digest imageDigest) {
        return new Subject(name, Map.of(imageDigest.algorithm().label(), imageDigest.hex()));
    }

    /** True when this subject names the digest (same algorithm, same hex). */
    public boolean matches(Digest imageDigest) {
        return imageDigest.hex().equals(digest.get(imageDigest.algorithm().label()));
    }
}
