package io.jenkins.plugins.immutable.bake;

import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.image.ImageReference;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** The pre-defined OCI annotation keys both bakers set, and the release-tag rule they share. */
final class OciAnnotations {

    static final String CREATED = "org.opencontainers.image.created";
    static final String REVISION = "org.opencontainers.image.revision";
    static final String SOURCE = "org.opencontainers.image.source";
    static final String VERSION = "org.opencontainers.image.version";
    static final String BASE_DIGEST = "org.opencontainers.image.base.digest";
    static final String BASE_NAME = "org.opencontainers.image.base.name";

    private OciAnnotations() {
    }

    /** The annotations for an image, sorted by key; a base of null (FROM scratch) sets no base keys. */
    static Map<String, String> of(Instant created, Source source, ImageReference base) {
        Map<String, String> annotations = new TreeMap<>();
        annotations.put(CREATED, DateTimeFormatter.ISO_INSTANT.format(created));
        putIfSet(annotations, REVISION, source.commit());
        putIfSet(annotations, SOURCE, source.repository());
        putIfSet(annotations, VERSION, source.version());
        if (base != null) {
            annotations.put(BASE_NAME, base.digest() == null ? base.toString() : (base.tag() == null
                    ? base.repository().toString() : base.repository() + ":" + base.tag()));
            if (base.digest() != null) {
                annotations.put(BASE_DIGEST, base.digest().toString());
            }
        }
        return annotations;
    }

    /** The annotations without the base keys: what can be known before a build resolves its base. */
    static Map<String, String> withoutBase(Map<String, String> annotations) {
        Map<String, String> copy = new LinkedHashMap<>(annotations);
        copy.remove(BASE_DIGEST);
        copy.remove(BASE_NAME);
        return copy;
    }

    private static void putIfSet(Map<String, String> map, String key, String value) {
        if (value != null) {
            map.put(key, value);
        }
    }

    /**
     * Refuses {@code latest} as a release tag unless allowed: a tag everybody moves says nothing about which image it
     * is, which is what a release must say.
     */
    static void checkReleaseTag(String tag, boolean allowLatest) {
        if (tag != null && tag.toLowerCase(Locale.ROOT).equals("latest") && !allowLatest) {
            throw EngineException.badInput("'latest' is refused as a release tag: it moves with every push and names no"
                    + " particular image. Tag the release with its version or build number (the result is pinned by"
                    + " digest anyway), or allow 'latest' explicitly (allowLatest) if a tool needs it");
        }
    }
}
