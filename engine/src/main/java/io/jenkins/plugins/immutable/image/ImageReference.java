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
 * <p>Docker's grammar ({@code distribution/reference}) is followed, with deliberate differences that the test
 * data {@code docker-reference-cases.json} lists and checks: {@code registry-1.docker.io} is Docker Hub too; the
 * 255-character limit counts registry, '/' and path together, as the OCI distribution spec says clients do; a port is
 * 1 to 65535; an IPv6 literal must be an address (RFC 4291's text forms), and a host whose last label starts with a
 * digit must be an IPv4 address, because the registry client's {@link java.net.URI} finds no host in anything else.
 * Messages quote the input cut short and with control characters escaped, and never what precedes an '@' that no
 * digest follows, which may be a user name and password.
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
    private static final String TAG_RULE = "a tag is 1 to 128 ASCII letters, digits, '_', '.' and '-', not starting"
            + " with '.' or '-'";
    private static final String FORM = "Write [registry[:port]/]repository[:tag][@sha256:<hex>], for example"
            + " 127.0.0.1:5000/team/app:1.0";
    static final String CREDENTIALS = "credentials do not belong in an image reference; configure a registry login"
            + " (registries[].credentialsId, or docker login) and leave the user name and password out";

    public ImageReference {
        Repository.validate(registry, path);
        if (tag != null && !TAG.matcher(tag).matches()) {
            throw EngineException.badInput(Shown.quote(tag) + " is not a valid tag: " + TAG_RULE);
        }
        if (tag == null && digest == null) {
            throw EngineException.badInput("an image reference needs a tag or a digest: "
                    + Shown.quote(registry + "/" + path));
        }
    }

    /** Parses a reference; see the class comment for the normalisation. */
    public static ImageReference parse(String text) {
        if (text == null) {
            throw EngineException.badInput("no image reference given. " + FORM);
        }
        // Before anything that quotes the input: a user name and password pasted into it must not reach a log.
        EngineException credentials = atSignProblem(text, "image reference", true);
        if (credentials != null) {
            throw credentials;
        }
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
            // atSignProblem let it through, so this is a valid digest.
            digest = Digest.parse(text.substring(at + 1));
            name = text.substring(0, at);
        }
        String tag = null;
        int colon = name.lastIndexOf(':');
        if (colon > name.lastIndexOf('/')) {
            tag = name.substring(colon + 1);
            name = name.substring(0, colon);
            if (!TAG.matcher(tag).matches()) {
                throw invalid(text, Shown.quote(tag) + " is not a valid tag: " + TAG_RULE);
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
        return EngineException.badInput(Shown.quote(text) + " is not a valid image reference: " + reason + ". " + FORM);
    }

    /**
     * Null, or why an {@code '@'} in {@code text} cannot stand: an image reference has one at most, followed by a
     * digest, and a repository name has none. Text with an '@' that no digest follows may be
     * {@code user:password@registry/...}, pasted from a URL or a login; so these messages quote only what follows the
     * '@', never what precedes it.
     */
    static EngineException atSignProblem(String text, String what, boolean digestAllowed) {
        int first = text.indexOf('@');
        if (first < 0) {
            return null;
        }
        String[] afterAt = text.substring(first + 1).split("@", -1);
        for (String segment : afterAt) {
            // A digest has no '/', a registry and path do: what precedes this '@' is a user name or a password.
            if (segment.contains("/")) {
                return EngineException.badInput("the " + what + " has a user name or password before its registry"
                        + " (user:password@registry/...): " + CREDENTIALS + withoutScheme(text));
            }
        }
        // Could be user:password@registry with no path as much as repository@not-a-digest: say both.
        String ifCredentials = text.substring(0, first).contains("/") ? ""
                : "; if the text before '@' is a user name or password, " + CREDENTIALS;
        if (!digestAllowed) {
            return EngineException.badInput("a " + what + " has no '@': leave out the '@' and a digest after it, which"
                    + " only an image reference has" + ifCredentials);
        }
        for (String segment : afterAt) {
            try {
                Digest.parse(segment);
            } catch (EngineException e) {
                return EngineException.badInput("the " + what + " is not valid after its '@': " + e.getMessage()
                        + ifCredentials + ". " + FORM);
            }
        }
        return null;
    }

    /** The advice to leave out a URL's scheme, when the text has one; only a well-formed scheme is repeated. */
    private static String withoutScheme(String text) {
        int scheme = text.indexOf("://");
        if (scheme < 0) {
            return "";
        }
        String name = text.substring(0, scheme);
        return name.matches("[A-Za-z][A-Za-z0-9+.-]{0,15}") ? ", and leave out " + name + "://"
                : ", and leave out the scheme (such as https://)";
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
