package io.jenkins.plugins.immutable.image;

import io.jenkins.plugins.immutable.EngineException;
import java.io.InputStream;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A content digest as OCI writes it, {@code algorithm:hex}: what identifies an image for good. Only the algorithms
 * the OCI image spec registers are accepted, with their exact lengths and lowercase hex. Serializable, as every value
 * the Jenkins plugin passes between an agent and the controller is.
 */
public record Digest(Algorithm algorithm, String hex) implements Comparable<Digest>, Serializable {

    private static final long serialVersionUID = 1L;

    /** Registered digest algorithms and the length of their lowercase hex encoding. */
    public enum Algorithm {
        SHA256("sha256", "SHA-256", 64),
        SHA512("sha512", "SHA-512", 128);

        private final String label;
        private final String jcaName;
        private final int hexLength;

        Algorithm(String label, String jcaName, int hexLength) {
            this.label = label;
            this.jcaName = jcaName;
            this.hexLength = hexLength;
        }

        public String label() {
            return label;
        }

        public int hexLength() {
            return hexLength;
        }

        public MessageDigest newMessageDigest() {
            try {
                return MessageDigest.getInstance(jcaName);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(jcaName + " is part of every Java runtime", e);
            }
        }

        static Algorithm of(String label) {
            for (Algorithm a : values()) {
                if (a.label.equals(label)) {
                    return a;
                }
            }
            return null;
        }
    }

    private static final Pattern LOWER_HEX = Pattern.compile("[0-9a-f]+");

    public Digest {
        Objects.requireNonNull(algorithm, "algorithm");
        Objects.requireNonNull(hex, "hex");
        if (hex.length() != algorithm.hexLength() || !LOWER_HEX.matcher(hex).matches()) {
            throw EngineException.badInput(Shown.quote(algorithm.label() + ":" + hex) + " is not a valid digest: "
                    + algorithm.label() + " needs exactly " + algorithm.hexLength() + " lowercase hex characters");
        }
    }

    /** Parses {@code sha256:<64 hex>} or {@code sha512:<128 hex>}. */
    public static Digest parse(String text) {
        Objects.requireNonNull(text, "digest");
        int colon = text.indexOf(':');
        if (colon <= 0) {
            throw EngineException.badInput(Shown.quote(text) + " is not a digest; expected the form sha256:<64 hex"
                    + " characters>");
        }
        String label = text.substring(0, colon);
        Algorithm algorithm = Algorithm.of(label);
        if (algorithm == null) {
            throw EngineException.badInput(Shown.quote(text) + " uses the digest algorithm " + Shown.quote(label)
                    + ", which is not supported; use sha256 (or sha512)");
        }
        return new Digest(algorithm, text.substring(colon + 1));
    }

    /** True when the text parses as a digest; for callers that decide between a tag and a digest. */
    public static boolean isDigest(String text) {
        int colon = text.indexOf(':');
        if (colon <= 0) {
            return false;
        }
        Algorithm algorithm = Algorithm.of(text.substring(0, colon));
        String hex = text.substring(colon + 1);
        return algorithm != null && hex.length() == algorithm.hexLength() && LOWER_HEX.matcher(hex).matches();
    }

    public static Digest sha256(byte[] bytes) {
        return of(Algorithm.SHA256, Algorithm.SHA256.newMessageDigest().digest(bytes));
    }

    /** Digest of a whole stream, read to its end (the caller closes it). */
    public static Digest sha256(InputStream in) {
        MessageDigest md = Algorithm.SHA256.newMessageDigest();
        byte[] buffer = new byte[64 * 1024];
        try {
            for (int n; (n = in.read(buffer)) > 0; ) {
                md.update(buffer, 0, n);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return of(Algorithm.SHA256, md.digest());
    }

    public static Digest of(Algorithm algorithm, byte[] rawDigest) {
        return new Digest(algorithm, HexFormat.of().formatHex(rawDigest));
    }

    /** The raw digest bytes. */
    public byte[] bytes() {
        return HexFormat.of().parseHex(hex);
    }

    /** The form cosign uses in tag names: {@code sha256-<hex>}. */
    public String tagSafe() {
        return algorithm.label() + "-" + hex;
    }

    /** The first 12 hex characters, as people quote digests in logs ({@code sha256:1234abcd5678}). */
    public String shortForm() {
        return algorithm.label() + ":" + hex.substring(0, 12);
    }

    @Override
    public String toString() {
        return algorithm.label() + ":" + hex;
    }

    @Override
    public int compareTo(Digest other) {
        return toString().compareTo(other.toString());
    }
}
