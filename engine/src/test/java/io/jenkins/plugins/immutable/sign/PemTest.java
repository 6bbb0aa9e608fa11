package io.jenkins.plugins.immutable.sign;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import io.jenkins.plugins.immutable.EngineException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * PEM is read strictly: a character outside base64 inside a key block is refused (the JDK's MIME decoder used to skip
 * it and read a different key), naming the file or key and the line, never quoting the key; every PEM form the
 * engine reads keeps reading.
 */
public class PemTest {

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    /** Every line of the key's body, so a test can assert that none of it reaches a message. */
    private static List<String> bodyLines(String pem) {
        return pem.lines().filter(l -> !l.isBlank() && !l.startsWith("-----")).toList();
    }

    private static void quotesNoKey(String message, String pem) {
        for (String line : bodyLines(pem)) {
            for (int i = 0; i + 8 <= line.length(); i += 8) {
                assertFalse(message, message.contains(line.substring(i, i + 8)));
            }
        }
    }

    /** The same text with one character of the body's second line replaced. */
    private static String damaged(String pem, char with) {
        List<String> lines = pem.lines().toList();
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            out.append(i == 2 ? line.substring(0, 10) + with + line.substring(11) : line).append('\n');
        }
        return out.toString();
    }

    @Test
    public void anInvalidCharacterInsideAPrivateKeyIsRefusedNamingTheFileAndLine() {
        for (char bad : new char[] {'*', '!', '.', '_', '-'}) {
            String pem = damaged(SigningKeyTest.OPENSSL_SEC1, bad);
            EngineException e = assertThrows(EngineException.class,
                    () -> SigningKey.fromPem(pem, null, "/keys/release.pem"));
            assertEquals(EngineException.Kind.BAD_INPUT, e.kind());
            assertEquals("/keys/release.pem is not a valid PEM file: line 3, column 11, inside the block"
                    + " 'EC PRIVATE KEY', holds a character that is not base64 (a PEM body has only A-Z, a-z, 0-9, +,"
                    + " / and =): the key was changed on its way here; copy the key again, unedited, from where it"
                    + " was generated (cosign writes cosign.key and cosign.pub; `immutable keygen` too)", e.getMessage());
            quotesNoKey(e.getMessage(), pem);
        }
    }

    @Test
    public void anInvalidCharacterInsideATrustedPublicKeyNamesTheKeyId() {
        String pem = damaged(CosignEncryptedKeyTest.OPENSSL_PUBLIC, '#');
        EngineException e = assertThrows(EngineException.class,
                () -> VerificationKey.allFromPem(pem, "trusted key 'release'"));
        assertTrue(e.getMessage(), e.getMessage().startsWith("trusted key 'release' is not a valid PEM file: line 3,"));
        quotesNoKey(e.getMessage(), pem);
    }

    @Test
    public void anInvalidCharacterInsideAnEncryptedCosignKeyIsRefusedBeforeThePasswordIsTried() {
        String pem = damaged(CosignEncryptedKeyTest.COSIGN_WRITTEN_KEY, '$');
        EngineException e = assertThrows(EngineException.class,
                () -> SigningKey.fromPem(pem, "hello".toCharArray(), "cosign.key"));
        assertTrue(e.getMessage(), e.getMessage().contains("inside the block 'ENCRYPTED SIGSTORE PRIVATE KEY'"));
        quotesNoKey(e.getMessage(), pem);
    }

    @Test
    public void aKeyFileWithAByteOutsideAsciiIsAPemErrorNotAPermissionProblem() throws Exception {
        Path file = tmp.newFile("cosign.pub").toPath();
        String pem = damaged(CosignEncryptedKeyTest.OPENSSL_PUBLIC, '\u00e9');
        Files.write(file, pem.getBytes(StandardCharsets.UTF_8));
        EngineException e = assertThrows(EngineException.class, () -> KeyFiles.readPublicKeys(file));
        assertTrue(e.getMessage(), e.getMessage().startsWith(file + " is not a valid PEM file: line 3, column 11,"));
        quotesNoKey(e.getMessage(), pem);
    }

    @Test
    public void aTruncatedOrWronglyPaddedBodyIsRefused() {
        String pem = SigningKeyTest.OPENSSL_SEC1;
        List<String> lines = pem.lines().toList();
        String cut = String.join("\n", lines.get(0), lines.get(1), lines.get(2), lines.get(3).substring(0, 7),
                lines.get(4)) + "\n";
        EngineException e = assertThrows(EngineException.class, () -> SigningKey.fromPem(cut, null, "k.pem"));
        assertTrue(e.getMessage(), e.getMessage().startsWith("k.pem is not a valid PEM file: the block 'EC PRIVATE KEY'"
                + " (line 1) is not valid base64"));
        String padded = String.join("\n", lines.get(0), lines.get(1), "AA==", lines.get(2), lines.get(3),
                lines.get(4)) + "\n";
        assertThrows(EngineException.class, () -> SigningKey.fromPem(padded, null, "k.pem"));
    }

    @Test
    public void aMissingEndLineAndABrokenBeginLineAreNamed() {
        String pem = SigningKeyTest.OPENSSL_SEC1;
        String noEnd = pem.substring(0, pem.indexOf("-----END"));
        EngineException e = assertThrows(EngineException.class, () -> SigningKey.fromPem(noEnd, null, "k.pem"));
        assertTrue(e.getMessage(), e.getMessage().startsWith("k.pem is not a valid PEM file: the block that starts on"
                + " line 1 has no matching END line"));
        String badBegin = CosignEncryptedKeyTest.OPENSSL_PUBLIC + pem.replace("-----BEGIN EC PRIVATE KEY-----",
                "-----BEGIN EC PRIVATE KEY");
        EngineException b = assertThrows(EngineException.class, () -> SigningKey.fromPem(badBegin, null, "k.pem"));
        assertTrue(b.getMessage(), b.getMessage().startsWith("k.pem is not a valid PEM file: line 5 is not a BEGIN"
                + " line"));
    }

    @Test
    public void headersAreRefusedAsBefore() {
        String traditional = "-----BEGIN EC PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n\n"
                + SigningKeyTest.OPENSSL_SEC1.lines().filter(l -> !l.startsWith("-----")).reduce("", (a, b) -> a + b
                + "\n") + "-----END EC PRIVATE KEY-----\n";
        EngineException e = assertThrows(EngineException.class, () -> SigningKey.fromPem(traditional, null, "k.pem"));
        assertTrue(e.getMessage(), e.getMessage().contains("RFC 1421 headers"));
    }

    @Test
    public void everyFormReadTodayStillReads() {
        VerificationKey expected = VerificationKey.fromPem(CosignEncryptedKeyTest.OPENSSL_PUBLIC, "pub");
        try (SigningKey pkcs8 = SigningKey.fromPem(CosignEncryptedKeyTest.OPENSSL_PKCS8, null, "pkcs8");
             SigningKey sec1 = SigningKey.fromPem(SigningKeyTest.OPENSSL_SEC1, null, "sec1");
             SigningKey indented = SigningKey.fromPem(SigningKeyTest.OPENSSL_SEC1.indent(4).replace("\n", "\r\n"),
                     null, "pasted into YAML with CRLF");
             SigningKey withText = SigningKey.fromPem("a comment before\n" + SigningKeyTest.OPENSSL_SEC1
                     + "and after\n", null, "commented");
             SigningKey cosign = SigningKey.fromPem(CosignEncryptedKeyTest.COSIGN_WRITTEN_KEY, "hello".toCharArray(),
                     "cosign.key")) {
            assertEquals(expected, pkcs8.publicKey());
            assertEquals(expected, sec1.publicKey());
            assertEquals(expected, indented.publicKey());
            assertEquals(expected, withText.publicKey());
            byte[] data = "signed".getBytes(StandardCharsets.UTF_8);
            assertTrue(cosign.publicKey().verify(data, cosign.sign(data)));
        }
        assertEquals(2, VerificationKey.allFromPem(CosignEncryptedKeyTest.OPENSSL_PUBLIC + "\n"
                + SigningKey.generate().publicKey().toPem(), "two keys").size());
    }
}
