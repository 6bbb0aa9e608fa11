package io.jenkins.plugins.immutable.image;

import java.io.Serializable;
import io.jenkins.plugins.immutable.EngineException;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * An image reference in Docker's grammar, {@code [registry[:port]/]repository[:tag][@digest]}, normalised as Docker
 * normalises it: no registry means {@code docker.io}, a single-component Docker Hub repository gets {@code library/},
 * and neither tag nor digest means the tag {@code latest}. {@link #toString()} prints the canonical, fully qualified
 * form, which {@link #parse} reads back to an equal reference.
 *
 * <p>A reference is <em>pinned</em> when it carries a digest: it then names one immutable image, whatever its tag
 * says later. Promotion and rollback work on pinned references.
 *
 * @param registry host with optional port, for example {@code 127.0.0.1:5000} or {@code docker.io}
 * @param path     the repository path within the registry, for example {@code team/app}
 * @param tag      the tag, or null when the reference names the image by digest only
 * @param digest   the digest, or null when the reference is not pinned
 */
public record ImageReference(String registry, String path, String tag, Digest digest) implements Serializable {

    private static final long serialVersionUID = 1L;

    private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
    private static final Pattern HEX_ID = Pattern.compile("[a-f0-9]{64}");

    public ImageReference {
        Repository.validate(registry, path);
        if (tag != null && !TAG.matcher(tag).matches()) {
            throw EngineException.badInput("'" + tag + "' is not a valid tag: a tag is 1 to 128 letters, digits, '_', '.'"
                    + " and '-', not starting with '.' or '-'");
        }
        if (tag == null && digest == null) {
            throw EngineException.badInput("an image reference needs a tag or a digest: " + registry + "/" + path);
        }
    }

    /** Parses a reference; see the class comment for the normalisation. */
    public static ImageReference parse(String text) {
        Objects.requireNonNull(text, "reference");
        if (text.isEmpty()) {
            throw invalid(text, "it is empty");
        }
        if (text.contains("://")) {
            throw invalid(text, "an image reference has no scheme; leave out http:// or https://");
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c <= ' ' || c == 127) {
                throw invalid(text, "it contains whitespace or a control character");
            }
        }
        String name = text;
        Digest digest = null;
        int at = text.indexOf('@');
        if (at >= 0) {
            if (text.indexOf('@', at + 1) >= 0) {
                throw invalid(text, "it has more than one '@'");
            }
            String digestText = text.substring(at + 1);
            if (!digestText.contains(":")) {
                throw invalid(text, "'" + digestText + "' after '@' is not a digest (sha256:<64 hex characters>)");
            }
            try {
                digest = Digest.parse(digestText);
            } catch (EngineException e) {
                throw invalid(text, e.getMessage());
            }
            name = text.substring(0, at);
        }
        String tag = null;
        int colon = name.lastIndexOf(':');
        if (colon > name.lastIndexOf('/')) {
            tag = name.substring(colon + 1);
            name = name.substring(0, colon);
            if (!TAG.matcher(tag).matches()) {
                throw invalid(text, "'" + tag + "' is not a valid tag: 1 to 128 letters, digits, '_', '.' and '-',"
                        + " not starting with '.' or '-'");
            }
        }
        if (name.isEmpty()) {
            throw invalid(text, "the repository name is missing");
        }
        if (HEX_ID.matcher(name).matches() && tag == null && digest == null) {
            throw invalid(text, "a 64-character hex string is an image ID, not a repository; write sha256:<hex>"
                    + " after a repository name, as repository@sha256:<hex>");
        }
        Repository repository;
        try {
            repository = Repository.parse(name);
        } catch (EngineException e) {
            throw invalid(text, e.getMessage());
        }
        if (tag == null && digest == null) {
            tag = "latest";
        }
        return new ImageReference(repository.registry(), repository.path(), tag, digest);
    }

    static EngineException invalid(String text, String reason) {
        String shown = text.length() > 300 ? text.substring(0, 300) + "..." : text;
        // Someone may paste a URL with credentials in it; never echo them.
        shown = shown.replaceAll("//[^/@]*@", "//***@");
        return EngineException.badInput("'" + shown + "' is not a valid image reference: " + reason
                + ". Write [registry[:port]/]repository[:tag][@sha256:<hex>], for example 127.0.0.1:5000/team/app:1.0");
    }

    public static ImageReference of(Repository repository, String tag, Digest digest) {
        return new ImageReference(repository.registry(), repository.path(), tag, digest);
    }

    public Repository repository() {
        return new Repository(registry, path);
    }

    /** True when the reference carries a digest, and so names one immutable image. */
    public boolean isPinned() {
        return digest != null;
    }

    /** What the distribution API takes after {@code /manifests/}: the digest when pinned, else the tag. */
    public String identifier() {
        return digest != null ? digest.toString() : tag;
    }

    /** The same reference pinned to the digest, keeping the tag (printed as {@code repo:tag@digest}). */
    public ImageReference withDigest(Digest newDigest) {
        return new ImageReference(registry, path, tag, Objects.requireNonNull(newDigest, "digest"));
    }

    /** The same reference with another tag, keeping the digest if it has one. */
    public ImageReference withTag(String newTag) {
        return new ImageReference(registry, path, Objects.requireNonNull(newTag, "tag"), digest);
    }

    /** The same image by digest alone, without a tag. */
    public ImageReference withoutTag() {
        if (digest == null) {
            throw EngineException.badInput(this + " is not pinned; resolve it to a digest before dropping its tag");
        }
        return new ImageReference(registry, path, null, digest);
    }

    @Override
    public String toString() {
        return registry + "/" + path + (tag == null ? "" : ":" + tag) + (digest == null ? "" : "@" + digest);
    }
}
