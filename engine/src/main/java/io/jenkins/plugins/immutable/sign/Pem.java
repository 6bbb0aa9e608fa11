package io.jenkins.plugins.immutable.sign;

import io.jenkins.plugins.immutable.EngineException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * PEM armour (RFC 7468) as Go's encoding/pem writes it: a label, base64 in 64-column lines. Bodies are decoded into
 * fresh arrays the caller owns, so a caller holding key material can zero them.
 */
final class Pem {

    private static final String BEGIN = "-----BEGIN ";
    private static final String END = "-----END ";
    private static final String DASHES = "-----";

    /** One armoured block: its label and its decoded body. */
    record Block(String label, byte[] der) {
        void wipe() {
            Arrays.fill(der, (byte) 0);
        }
    }

    private Pem() {
    }

    /**
     * Every block in the text, in order; text outside blocks is ignored (as OpenSSL and Go ignore it).
     *
     * @param source names the text in error messages (a file, a credential); never the text itself
     */
    static List<Block> decode(String text, String source) {
        List<Block> blocks = new ArrayList<>();
        int from = 0;
        while (true) {
            int begin = text.indexOf(BEGIN, from);
            if (begin < 0) {
                return blocks;
            }
            int labelEnd = text.indexOf(DASHES, begin + BEGIN.length());
            if (labelEnd < 0) {
                throw malformed(source, "a BEGIN line is not closed with -----");
            }
            String label = text.substring(begin + BEGIN.length(), labelEnd);
            String endLine = END + label + DASHES;
            int end = text.indexOf(endLine, labelEnd);
            if (end < 0) {
                throw malformed(source, "the block '" + label + "' has no matching END line");
            }
            String body = text.substring(labelEnd + DASHES.length(), end);
            if (body.indexOf(':') >= 0) {
                throw malformed(source, "the block '" + label + "' has RFC 1421 headers (an OpenSSL 'traditional'"
                        + " encrypted key); convert it to PKCS#8 with `openssl pkcs8 -topk8` or import it with cosign");
            }
            byte[] der;
            try {
                der = Base64.getMimeDecoder().decode(body.strip());
            } catch (IllegalArgumentException e) {
                throw malformed(source, "the block '" + label + "' is not valid base64");
            }
            blocks.add(new Block(label, der));
            from = end + endLine.length();
        }
    }

    /** Armours a body under a label, 64 characters a line, ending with a newline. */
    static String encode(String label, byte[] der) {
        String base64 = Base64.getEncoder().encodeToString(der);
        StringBuilder out = new StringBuilder(base64.length() + 2 * label.length() + 64);
        out.append(BEGIN).append(label).append(DASHES).append('\n');
        for (int i = 0; i < base64.length(); i += 64) {
            out.append(base64, i, Math.min(base64.length(), i + 64)).append('\n');
        }
        out.append(END).append(label).append(DASHES).append('\n');
        return out.toString();
    }

    private static EngineException malformed(String source, String problem) {
        return EngineException.badInput(source + " is not a valid PEM file: " + problem);
    }
}
