package io.jenkins.plugins.immutable.sign;

import io.jenkins.plugins.immutable.EngineException;
import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemReader;

/**
 * PEM armour (RFC 7468) as Go's encoding/pem writes it: a label, base64 in 64-column lines. Read by BouncyCastle's
 * {@link PemReader}, whose base64 decoder refuses any character outside the alphabet (the JDK's MIME decoder, used
 * before, skipped them, so a key damaged in transit could be read as another key or as garbage). Bodies are decoded
 * into fresh arrays the caller owns, so a caller holding key material can zero them.
 */
final class Pem {

    private static final String BEGIN = "-----BEGIN ";
    private static final String END = "-----END ";
    private static final String DASHES = "-----";

    /** What to do about a damaged block: it is never repaired, only brought again. */
    private static final String BRING_IT_AGAIN = "copy the key again, unedited, from where it was generated (cosign"
            + " writes cosign.key and cosign.pub; `immutable keygen` too)";

    /** One armoured block: its label and its decoded body. */
    record Block(String label, byte[] der) {
        void wipe() {
            Arrays.fill(der, (byte) 0);
        }
    }

    private Pem() {
    }

    /**
     * Every block in the text, in order; text outside blocks is ignored (as OpenSSL and Go ignore it). Lines may be
     * indented (a key pasted into YAML or a form): each line is read without its surrounding white space.
     *
     * @param source names the text in error messages (a file, a credential, a trusted key's id); never the text
     *               itself, and no message quotes any part of a block
     */
    static List<Block> decode(String text, String source) {
        List<String> lines = text.lines().map(String::strip).toList();
        List<Block> blocks = new ArrayList<>();
        try (PemReader reader = new PemReader(new StringReader(String.join("\n", lines)))) {
            PemObject object;
            while ((object = reader.readPemObject()) != null) {
                if (!object.getHeaders().isEmpty()) {
                    Arrays.fill(object.getContent(), (byte) 0);
                    throw malformed(source, headers(object.getType()));
                }
                blocks.add(new Block(object.getType(), object.getContent()));
            }
        } catch (IOException e) {
            // BouncyCastle's only IOException here: a BEGIN line whose END line never comes
            blocks.forEach(Block::wipe);
            throw malformed(source, "the block that starts on line " + beginLine(lines, blocks.size()) + " has no"
                    + " matching END line; the file is cut short: " + BRING_IT_AGAIN);
        } catch (RuntimeException e) {
            // org.bouncycastle.util.encoders.DecoderException, or an index error on a BEGIN line without a label
            blocks.forEach(Block::wipe);
            throw malformed(source, notBase64(lines, blocks.size()));
        }
        int begins = (int) lines.stream().filter(l -> l.startsWith(BEGIN)).count();
        if (begins != blocks.size()) {
            // BouncyCastle stops, silently, at a BEGIN line that is not "-----BEGIN LABEL-----"
            blocks.forEach(Block::wipe);
            throw malformed(source, "line " + beginLine(lines, blocks.size()) + " is not a BEGIN line of the form"
                    + " -----BEGIN LABEL-----: " + BRING_IT_AGAIN);
        }
        return blocks;
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

    /** The 1-based line of the {@code index}-th BEGIN line (0-based), or of the text's end when there is none. */
    private static int beginLine(List<String> lines, int index) {
        int seen = 0;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith(BEGIN) && seen++ == index) {
                return i + 1;
            }
        }
        return lines.size();
    }

    /**
     * Where the block BouncyCastle refused is broken: the line and column of its first character outside the base64
     * alphabet, or, when every character is base64, that its length or padding is wrong. The character itself is
     * not quoted: it may be part of a key.
     */
    private static String notBase64(List<String> lines, int index) {
        int begin = beginLine(lines, index) - 1;
        String beginLine = begin < lines.size() ? lines.get(begin) : "";
        int labelEnd = beginLine.indexOf(DASHES, BEGIN.length());
        if (labelEnd <= BEGIN.length()) {
            return "line " + (begin + 1) + " is not a BEGIN line of the form -----BEGIN LABEL-----: " + BRING_IT_AGAIN;
        }
        String label = beginLine.substring(BEGIN.length(), labelEnd);
        for (int i = begin + 1; i < lines.size() && !lines.get(i).startsWith(END); i++) {
            String line = lines.get(i);
            if (line.indexOf(':') > 0) {
                return headers(label);
            }
            for (int col = 0; col < line.length(); col++) {
                char c = line.charAt(col);
                if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+'
                        || c == '/' || c == '=' || c == ' ' || c == '\t')) {
                    return "line " + (i + 1) + ", column " + (col + 1) + ", inside the block '" + label + "', holds a"
                            + " character that is not base64 (a PEM body has only A-Z, a-z, 0-9, +, / and =): the key"
                            + " was changed on its way here; " + BRING_IT_AGAIN;
                }
            }
        }
        return "the block '" + label + "' (line " + (begin + 1) + ") is not valid base64: a line is missing or cut"
                + " short, or '=' padding stands in the middle; " + BRING_IT_AGAIN;
    }

    private static String headers(String label) {
        return "the block '" + label + "' has RFC 1421 headers (an OpenSSL 'traditional' encrypted key); convert it"
                + " to PKCS#8 with `openssl pkcs8 -topk8` or import it with `cosign import-key-pair`";
    }

    private static EngineException malformed(String source, String problem) {
        return EngineException.badInput(source + " is not a valid PEM file: " + problem);
    }
}
