package io.jenkins.plugins.immutable.sign;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jenkins.plugins.immutable.EngineException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import org.bouncycastle.crypto.generators.SCrypt;
import org.bouncycastle.crypto.macs.Poly1305;
import org.bouncycastle.crypto.engines.XSalsa20Engine;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.ParametersWithIV;

/**
 * cosign's password-protected private key: the PKCS#8 key, sealed with NaCl secretbox (XSalsa20 + Poly1305) under a
 * key derived from the password with scrypt, written as JSON
 * {@code {"kdf":{"name":"scrypt","params":{"N","r","p"},"salt"},"cipher":{"name":"nacl/secretbox","nonce"},"ciphertext"}}
 * (byte fields in standard base64) inside a PEM block labelled {@code ENCRYPTED SIGSTORE PRIVATE KEY} (older cosign:
 * {@code ENCRYPTED COSIGN PRIVATE KEY}). This is go-securesystemslib's {@code encrypted} package as cosign calls it.
 *
 * <p>Built on BouncyCastle's lightweight primitives, so no JCE provider is registered. Every intermediate holding
 * the password, the derived key or the plaintext is zeroed before returning.
 */
public final class CosignEncryptedKey {

    /** The label cosign writes since v2. */
    public static final String PEM_LABEL = "ENCRYPTED SIGSTORE PRIVATE KEY";
    /** The label older cosign releases wrote; still read. */
    public static final String LEGACY_PEM_LABEL = "ENCRYPTED COSIGN PRIVATE KEY";

    static final String KDF_NAME = "scrypt";
    static final String CIPHER_NAME = "nacl/secretbox";
    private static final int SALT_SIZE = 32;
    private static final int NONCE_SIZE = 24;
    private static final int KEY_SIZE = 32;
    private static final int TAG_SIZE = 16;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();

    /** The scrypt cost settings go-securesystemslib (and so cosign) accepts; it refuses any other. */
    public enum ScryptStrength {
        /** N=2^15: what cosign wrote before go-securesystemslib 0.8. */
        LEGACY(32768),
        /** N=2^16: what cosign writes today. */
        STANDARD(65536),
        /** N=2^17: OWASP's recommendation. */
        OWASP(131072);

        private final int n;

        ScryptStrength(int n) {
            this.n = n;
        }

        public int n() {
            return n;
        }

        public int r() {
            return 8;
        }

        public int p() {
            return 1;
        }

        static ScryptStrength of(int n, int r, int p) {
            for (ScryptStrength s : values()) {
                if (s.n == n && s.r() == r && s.p() == p) {
                    return s;
                }
            }
            return null;
        }
    }

    private CosignEncryptedKey() {
    }

    /** Seals the plaintext (a PKCS#8 key) under the password, returning the JSON document cosign stores in PEM. */
    public static byte[] seal(byte[] plaintext, char[] password, ScryptStrength strength) {
        return seal(plaintext, password, strength, random(SALT_SIZE), random(NONCE_SIZE));
    }

    /** Sealing with a given salt and nonce: only for known-answer tests; both must be fresh random otherwise. */
    static byte[] seal(byte[] plaintext, char[] password, ScryptStrength strength, byte[] salt, byte[] nonce) {
        byte[] key = deriveKey(password, salt, strength);
        byte[] box;
        try {
            box = secretboxSeal(plaintext, nonce, key);
        } finally {
            Arrays.fill(key, (byte) 0);
        }
        ObjectNode root = JSON.createObjectNode();
        ObjectNode kdf = root.putObject("kdf");
        kdf.put("name", KDF_NAME);
        ObjectNode params = kdf.putObject("params");
        params.put("N", strength.n());
        params.put("r", strength.r());
        params.put("p", strength.p());
        kdf.put("salt", Base64.getEncoder().encodeToString(salt));
        ObjectNode cipher = root.putObject("cipher");
        cipher.put("name", CIPHER_NAME);
        cipher.put("nonce", Base64.getEncoder().encodeToString(nonce));
        root.put("ciphertext", Base64.getEncoder().encodeToString(box));
        try {
            return JSON.writeValueAsBytes(root);
        } catch (IOException e) {
            throw new IllegalStateException("a JSON tree always serialises", e);
        }
    }

    /**
     * Opens the JSON document under the password; the caller owns (and should zero) the returned plaintext.
     *
     * @param source names the key in error messages (a file, a credential id), never its content
     */
    public static byte[] open(byte[] document, char[] password, String source) {
        JsonNode root;
        try {
            root = JSON.readTree(document);
        } catch (IOException e) {
            throw EngineException.badInput(source + " is not a cosign encrypted private key: its body is not JSON."
                    + " Use the cosign.key file that `cosign generate-key-pair` or `immutable keygen` wrote");
        }
        String kdfName = root.path("kdf").path("name").asText("");
        String cipherName = root.path("cipher").path("name").asText("");
        if (!KDF_NAME.equals(kdfName) || !CIPHER_NAME.equals(cipherName)) {
            throw EngineException.badInput(source + " uses key derivation '" + kdfName + "' and cipher '" + cipherName
                    + "'; only cosign's scrypt + nacl/secretbox format is supported. Re-encrypt the key with"
                    + " `cosign import-key-pair` or generate a new pair");
        }
        JsonNode params = root.path("kdf").path("params");
        ScryptStrength strength = ScryptStrength.of(params.path("N").asInt(-1), params.path("r").asInt(-1),
                params.path("p").asInt(-1));
        if (strength == null) {
            throw EngineException.badInput(source + " uses scrypt parameters " + params
                    + " that cosign does not accept either (N must be 32768, 65536 or 131072 with r=8, p=1);"
                    + " re-encrypt the key with `cosign import-key-pair`");
        }
        byte[] salt = base64Field(root.path("kdf").path("salt"), "kdf.salt", source);
        byte[] nonce = base64Field(root.path("cipher").path("nonce"), "cipher.nonce", source);
        byte[] box = base64Field(root.path("ciphertext"), "ciphertext", source);
        if (nonce.length != NONCE_SIZE || box.length < TAG_SIZE) {
            throw EngineException.badInput(source + " is damaged: its nonce or ciphertext has the wrong length;"
                    + " restore the key file from where it was generated");
        }
        byte[] key = deriveKey(password, salt, strength);
        try {
            byte[] plaintext = secretboxOpen(box, nonce, key);
            if (plaintext == null) {
                throw EngineException.badInput("the password does not open the cosign private key " + source
                        + " (or the key file was altered): check the password given for this key, the one used"
                        + " when the key pair was generated");
            }
            return plaintext;
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    private static byte[] base64Field(JsonNode node, String field, String source) {
        if (!node.isTextual()) {
            throw EngineException.badInput(source + " is damaged: the field '" + field + "' is missing;"
                    + " restore the key file from where it was generated");
        }
        try {
            return Base64.getDecoder().decode(node.asText());
        } catch (IllegalArgumentException e) {
            throw EngineException.badInput(source + " is damaged: the field '" + field + "' is not base64;"
                    + " restore the key file from where it was generated");
        }
    }

    static byte[] deriveKey(char[] password, byte[] salt, ScryptStrength strength) {
        byte[] passwordBytes = utf8(password == null ? new char[0] : password);
        try {
            return SCrypt.generate(passwordBytes, salt, strength.n(), strength.r(), strength.p(), KEY_SIZE);
        } finally {
            Arrays.fill(passwordBytes, (byte) 0);
        }
    }

    /** UTF-8 bytes of the password without an intermediate String (which could not be zeroed). */
    static byte[] utf8(char[] password) {
        CharsetEncoder encoder = StandardCharsets.UTF_8.newEncoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer buffer;
        try {
            buffer = encoder.encode(CharBuffer.wrap(password));
        } catch (CharacterCodingException e) {
            throw EngineException.badInput("the password contains characters that are not valid Unicode;"
                    + " type it again");
        }
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        if (buffer.hasArray()) {
            Arrays.fill(buffer.array(), (byte) 0);
        }
        return bytes;
    }

    /** NaCl crypto_secretbox: the Poly1305 tag followed by the XSalsa20 ciphertext. */
    static byte[] secretboxSeal(byte[] message, byte[] nonce, byte[] key) {
        XSalsa20Engine stream = new XSalsa20Engine();
        stream.init(true, new ParametersWithIV(new KeyParameter(key), nonce));
        byte[] macKey = new byte[KEY_SIZE];
        stream.processBytes(macKey, 0, KEY_SIZE, macKey, 0);
        byte[] out = new byte[TAG_SIZE + message.length];
        stream.processBytes(message, 0, message.length, out, TAG_SIZE);
        Poly1305 mac = new Poly1305();
        mac.init(new KeyParameter(macKey));
        mac.update(out, TAG_SIZE, message.length);
        mac.doFinal(out, 0);
        Arrays.fill(macKey, (byte) 0);
        return out;
    }

    /** Opens a secretbox, or returns null when the tag does not match (wrong key or altered box). */
    static byte[] secretboxOpen(byte[] box, byte[] nonce, byte[] key) {
        XSalsa20Engine stream = new XSalsa20Engine();
        stream.init(false, new ParametersWithIV(new KeyParameter(key), nonce));
        byte[] macKey = new byte[KEY_SIZE];
        stream.processBytes(macKey, 0, KEY_SIZE, macKey, 0);
        Poly1305 mac = new Poly1305();
        mac.init(new KeyParameter(macKey));
        Arrays.fill(macKey, (byte) 0);
        int length = box.length - TAG_SIZE;
        mac.update(box, TAG_SIZE, length);
        byte[] tag = new byte[TAG_SIZE];
        mac.doFinal(tag, 0);
        if (!MessageDigest.isEqual(tag, Arrays.copyOf(box, TAG_SIZE))) {
            return null;
        }
        byte[] message = new byte[length];
        stream.processBytes(box, TAG_SIZE, length, message, 0);
        return message;
    }

    private static byte[] random(int size) {
        byte[] bytes = new byte[size];
        RANDOM.nextBytes(bytes);
        return bytes;
    }
}
