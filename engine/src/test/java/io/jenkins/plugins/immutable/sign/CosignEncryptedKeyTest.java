package io.jenkins.plugins.immutable.sign;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jenkins.plugins.immutable.EngineException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.Test;

/**
 * cosign's encrypted private key format, against vectors from outside this code: keys written by cosign itself (its
 * own test data, password "hello"), and a vector computed for this test by an independent implementation (Python's
 * hashlib.scrypt and a separate XSalsa20-Poly1305) over a key OpenSSL generated.
 */
public class CosignEncryptedKeyTest {

    /** Written by cosign (sigstore/cosign pkg/cosign/keys_test.go), password "hello", scrypt N=32768. */
    static final String COSIGN_WRITTEN_KEY = """
            -----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----
            eyJrZGYiOnsibmFtZSI6InNjcnlwdCIsInBhcmFtcyI6eyJOIjozMjc2OCwiciI6
            OCwicCI6MX0sInNhbHQiOiI3T3VGd2VsbWZZNXVId2NoaURSc210anNwZ2ZlZjFG
            Mk5lOGFDTjVLYVpZPSJ9LCJjaXBoZXIiOnsibmFtZSI6Im5hY2wvc2VjcmV0Ym94
            Iiwibm9uY2UiOiJQNHk4OGhCb3ZTa09MbXN0bFVBaGJwdDJ0K2xTNUxQSCJ9LCJj
            aXBoZXJ0ZXh0IjoiMnB1QzdyZldJOWh3bnJlQ2s4aUZDRlVwQlRrSzRJNlIvbFBF
            cnBDekpXUGpJWXl4eGVIL1A2VW52cFJHdVhla1NNb3JMdGhLamdoQ1JlNy82NDVH
            QWtoVm1LRC92eEF0S2EvbE1abENSQ3FlekJGUFd1dzNpeFRtZ2xhb2J1ZFVSbUVs
            bmNGOGlZbzBTMVl6Y1ZOMVFwY2J2c0dNcUlYRzVlbmdteGp5dCtBcXlyZTF0Q0Y0
            V01tU1BlaEljNlBqd2h1Q2xHaVpJUWRvTGc9PSJ9
            -----END ENCRYPTED SIGSTORE PRIVATE KEY-----
            """;
    /** Its public key, derived by OpenSSL from the decrypted PKCS#8. */
    static final String COSIGN_WRITTEN_KEY_PUBLIC = """
            -----BEGIN PUBLIC KEY-----
            MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE7z9gA/tqa9iHt/f9F3ulyVi4lwqU
            LfHWfhG2mK4eyJ8LDcLstb+VVhxj3pkMjc3fNo+sSfiIY2NLR7c+DG1V4w==
            -----END PUBLIC KEY-----
            """;
    /** The PKCS#8 plaintext inside it, as Go's x509.MarshalPKCS8PrivateKey wrote it. */
    static final String COSIGN_WRITTEN_KEY_PKCS8 = "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgmeld/kSV3GDTB9jSGTl"
            + "Y7i2n75dur+LSNrW2LkQh++GhRANCAATvP2AD+2pr2Ie39/0Xe6XJWLiXCpQt8dZ+EbaYrh7InwsNwuy1v5VWHGPemQyNzd82j6xJ+Ihj"
            + "Y0tHtz4MbVXj";

    /** Written by an older cosign under the old label, password "hello". */
    static final String COSIGN_LEGACY_LABEL_KEY = """
            -----BEGIN ENCRYPTED COSIGN PRIVATE KEY-----
            eyJrZGYiOnsibmFtZSI6InNjcnlwdCIsInBhcmFtcyI6eyJOIjozMjc2OCwiciI6
            OCwicCI6MX0sInNhbHQiOiJ4WWdoc09JTUxUWGNOT0RsclNIOUNKc1FlOVFnZmN1
            cmUrMXlLdHh1TlkwPSJ9LCJjaXBoZXIiOnsibmFtZSI6Im5hY2wvc2VjcmV0Ym94
            Iiwibm9uY2UiOiI0cS9PSlVmaXJkSUkrUjZ0ajZBMmcyQ0JqL25xdFNicCJ9LCJj
            aXBoZXJ0ZXh0IjoiKzB4Q3NzcFN0WStBczdKanJpOWtsbHBWd2JhcUI4ZWJNdWto
            eS9aVE1MSXRsL3B1YS9jWVJvbytLRGxMWWdmOW1kSjk4K1FnQW9oTktoYnJPMTcw
            MHdBY1JTMjFDOE4zQUNJRUVZaWpOMllBNnMraGJSbkhjUnd4eGhDMDFtb2FvL0dO
            Y1pmbEJheXZMV3pXblo4d2NDZ2ZpT1o1VXlRTEFJMHh0dnR6dEh3cTdDV1Vhd3V4
            RlhlNDZzck9TUE9SNHN6bytabWErUGovSFE9PSJ9
            -----END ENCRYPTED COSIGN PRIVATE KEY-----
            """;
    static final String COSIGN_LEGACY_LABEL_KEY_PUBLIC = """
            -----BEGIN PUBLIC KEY-----
            MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAECYtspttZZ7e9PMd8wyU2CWDlpEXN
            bqTve0ZBuOXu9xTjtm7Z107cVLCCk96Ma4D0tesnKeCPwrcspLz7GNZJSw==
            -----END PUBLIC KEY-----
            """;

    /** A P-256 key OpenSSL generated for this test (PKCS#8) and its public key, as OpenSSL derived it. */
    static final String OPENSSL_PKCS8 = """
            -----BEGIN PRIVATE KEY-----
            MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgvbu3kiqiSO0cIooe
            HT9dY9fkqS9aoex36jddqZezyZGhRANCAAQmdO6RGp2nzj34dV/lALd0meE6ESk+
            WEX2i6kJkje57d757MNF0iVBtNmjNtr29v7kbbn4/JjOzqAXPYfjMc/i
            -----END PRIVATE KEY-----
            """;
    static final String OPENSSL_PUBLIC = """
            -----BEGIN PUBLIC KEY-----
            MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEJnTukRqdp849+HVf5QC3dJnhOhEp
            PlhF9oupCZI3ue3e+ezDRdIlQbTZozba9vb+5G25+PyYzs6gFz2H4zHP4g==
            -----END PUBLIC KEY-----
            """;
    /**
     * OPENSSL_PKCS8 sealed with password "correct horse battery staple", scrypt N=65536 r=8 p=1, salt bytes 0..31,
     * nonce bytes 100..123, computed by the independent implementation.
     */
    static final String INDEPENDENT_SEALED = "bjZhWu2oFzEsrQw5AhnmXHeSrySPfkfFWbDJjtgf/5VXNyQeZjxEjDyGvxFmWoN/4CSkVNd0+"
            + "IcB7VLljB86ylrUU9UEG3EoNMNemR20WKJG8y4Voj+ahx0XHFVbb9boXW5Wc/NrMNSgKY6IWBbm56hS1cftulfQkfC2iIXc2uhskNA"
            + "ToCmbutYT6C9LpUDwbXiSwpzMzB0/HA==";

    private static final char[] HELLO = "hello".toCharArray();

    @Test
    public void readsAKeyCosignWroteWithItsPassword() {
        try (SigningKey key = SigningKey.fromPem(COSIGN_WRITTEN_KEY, HELLO, "cosign.key")) {
            assertEquals(VerificationKey.fromPem(COSIGN_WRITTEN_KEY_PUBLIC, "cosign.pub"), key.publicKey());
            byte[] data = "payload".getBytes(StandardCharsets.UTF_8);
            assertTrue(key.publicKey().verify(data, key.sign(data)));
        }
    }

    @Test
    public void readsTheOlderCosignLabel() {
        try (SigningKey key = SigningKey.fromPem(COSIGN_LEGACY_LABEL_KEY, HELLO, "old.key")) {
            assertEquals(VerificationKey.fromPem(COSIGN_LEGACY_LABEL_KEY_PUBLIC, "old.pub"), key.publicKey());
        }
    }

    @Test
    public void reEncodesTheKeyExactlyAsCosignEncodedIt() {
        try (SigningKey key = SigningKey.fromPem(COSIGN_WRITTEN_KEY, HELLO, "cosign.key")) {
            assertEquals(COSIGN_WRITTEN_KEY_PKCS8, Base64.getEncoder().encodeToString(key.pkcs8()));
        }
    }

    @Test
    public void sealsExactlyAsAnIndependentImplementationDoes() {
        byte[] salt = new byte[32];
        byte[] nonce = new byte[24];
        for (int i = 0; i < salt.length; i++) {
            salt[i] = (byte) i;
        }
        for (int i = 0; i < nonce.length; i++) {
            nonce[i] = (byte) (100 + i);
        }
        try (SigningKey key = SigningKey.fromPem(OPENSSL_PKCS8, null, "openssl.pem")) {
            assertEquals(VerificationKey.fromPem(OPENSSL_PUBLIC, "openssl.pub"), key.publicKey());
            byte[] document = CosignEncryptedKey.seal(key.pkcs8(), "correct horse battery staple".toCharArray(),
                    CosignEncryptedKey.ScryptStrength.STANDARD, salt, nonce);
            JsonNode json = readJson(document);
            assertEquals(INDEPENDENT_SEALED, json.get("ciphertext").asText());
            assertEquals(Base64.getEncoder().encodeToString(salt), json.get("kdf").get("salt").asText());
            assertEquals(Base64.getEncoder().encodeToString(nonce), json.get("cipher").get("nonce").asText());
        }
    }

    @Test
    public void writesTheJsonAndPemCosignReads() {
        try (SigningKey key = SigningKey.generate()) {
            String pem = key.toEncryptedPem("s3cret".toCharArray());
            assertTrue(pem.startsWith("-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\n"));
            assertTrue(pem.endsWith("-----END ENCRYPTED SIGSTORE PRIVATE KEY-----\n"));
            for (String line : pem.split("\n")) {
                assertTrue("Go's PEM lines are at most 64 characters", line.length() <= 64);
            }
            JsonNode json = readJson(Pem.decode(pem, "test").get(0).der());
            assertEquals(List.of("kdf", "cipher", "ciphertext"), fieldNames(json));
            assertEquals(List.of("name", "params", "salt"), fieldNames(json.get("kdf")));
            assertEquals("scrypt", json.get("kdf").get("name").asText());
            assertEquals("{\"N\":65536,\"r\":8,\"p\":1}", json.get("kdf").get("params").toString());
            assertEquals(32, Base64.getDecoder().decode(json.get("kdf").get("salt").asText()).length);
            assertEquals("nacl/secretbox", json.get("cipher").get("name").asText());
            assertEquals(24, Base64.getDecoder().decode(json.get("cipher").get("nonce").asText()).length);
            assertEquals(138 + 16, Base64.getDecoder().decode(json.get("ciphertext").asText()).length);
        }
    }

    @Test
    public void aWrittenKeyReadsBackWithItsPassword() {
        char[] password = "correct horse".toCharArray();
        try (SigningKey original = SigningKey.generate()) {
            String pem = original.toEncryptedPem(password, CosignEncryptedKey.ScryptStrength.LEGACY);
            try (SigningKey read = SigningKey.fromPem(pem, password, "cosign.key")) {
                assertEquals(original.publicKey(), read.publicKey());
                byte[] data = {1, 2, 3};
                assertTrue(original.publicKey().verify(data, read.sign(data)));
            }
        }
    }

    @Test
    public void anEmptyPasswordWorksAsCosignAllowsIt() {
        try (SigningKey original = SigningKey.generate()) {
            String pem = original.toEncryptedPem(new char[0], CosignEncryptedKey.ScryptStrength.LEGACY);
            try (SigningKey read = SigningKey.fromPem(pem, null, "cosign.key")) {
                assertEquals(original.publicKey(), read.publicKey());
            }
        }
    }

    @Test
    public void aWrongPasswordIsAClearErrorWithoutTheSecret() {
        EngineException e = assertThrows(EngineException.class,
                () -> SigningKey.fromPem(COSIGN_WRITTEN_KEY, "hellO-wrong".toCharArray(), "keys/cosign.key"));
        assertEquals(EngineException.Kind.BAD_INPUT, e.kind());
        assertTrue(e.getMessage(), e.getMessage().startsWith("the password does not open the cosign private key"
                + " keys/cosign.key"));
        assertFalse(e.getMessage().contains("hellO-wrong"));
        assertFalse(e.getMessage().toLowerCase().contains("bouncycastle"));
        assertEquals(null, e.getCause());
    }

    @Test
    public void anAlteredCiphertextIsRefusedLikeAWrongPassword() {
        byte[] document = Pem.decode(COSIGN_WRITTEN_KEY, "t").get(0).der();
        String json = new String(document, StandardCharsets.UTF_8);
        String altered = json.replace("\"ciphertext\":\"2pu", "\"ciphertext\":\"3pu");
        assertFalse(json.equals(altered));
        EngineException e = assertThrows(EngineException.class, () -> CosignEncryptedKey.open(
                altered.getBytes(StandardCharsets.UTF_8), HELLO, "cosign.key"));
        assertTrue(e.getMessage(), e.getMessage().contains("or the key file was altered"));
    }

    @Test
    public void scryptParametersCosignWouldRefuseAreRefused() {
        byte[] document = Pem.decode(COSIGN_WRITTEN_KEY, "t").get(0).der();
        String json = new String(document, StandardCharsets.UTF_8).replace("\"N\":32768", "\"N\":1024");
        EngineException e = assertThrows(EngineException.class,
                () -> CosignEncryptedKey.open(json.getBytes(StandardCharsets.UTF_8), HELLO, "cosign.key"));
        assertTrue(e.getMessage(), e.getMessage().contains("scrypt parameters"));
    }

    @Test
    public void anotherCipherIsNamedInTheError() {
        String json = "{\"kdf\":{\"name\":\"argon2\"},\"cipher\":{\"name\":\"aes-gcm\"},\"ciphertext\":\"\"}";
        EngineException e = assertThrows(EngineException.class,
                () -> CosignEncryptedKey.open(json.getBytes(StandardCharsets.UTF_8), HELLO, "cosign.key"));
        assertTrue(e.getMessage(), e.getMessage().contains("'argon2'") && e.getMessage().contains("'aes-gcm'"));
    }

    @Test
    public void secretboxOpensWhatItSealsAndNothingElse() {
        byte[] key = new byte[32];
        byte[] nonce = new byte[24];
        key[0] = 7;
        byte[] message = "a message longer than one sixteen-byte Poly1305 block".getBytes(StandardCharsets.UTF_8);
        byte[] box = CosignEncryptedKey.secretboxSeal(message, nonce, key);
        assertArrayEquals(message, CosignEncryptedKey.secretboxOpen(box, nonce, key));
        box[box.length - 1] ^= 1;
        assertEquals(null, CosignEncryptedKey.secretboxOpen(box, nonce, key));
    }

    private static JsonNode readJson(byte[] bytes) {
        try {
            return new ObjectMapper().readTree(bytes);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new java.util.ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
