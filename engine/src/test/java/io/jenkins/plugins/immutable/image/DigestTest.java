package io.jenkins.plugins.immutable.image;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import io.jenkins.plugins.immutable.EngineException;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.junit.Test;

public class DigestTest {

    private static final String EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    @Test
    public void sha256OfBytesMatchesTheKnownDigestOfTheEmptyString() {
        assertEquals("sha256:" + EMPTY_SHA256, Digest.sha256(new byte[0]).toString());
        assertEquals(Digest.sha256(new byte[0]), Digest.sha256(new ByteArrayInputStream(new byte[0])));
    }

    @Test
    public void parsesAndPrintsSha256AndSha512() {
        Digest d = Digest.parse("sha256:" + EMPTY_SHA256);
        assertEquals(Digest.Algorithm.SHA256, d.algorithm());
        assertEquals("sha256-" + EMPTY_SHA256, d.tagSafe());
        assertEquals("sha256:e3b0c44298fc", d.shortForm());
        String sha512 = "sha512:" + "ab".repeat(64);
        assertEquals(sha512, Digest.parse(sha512).toString());
    }

    @Test
    public void refusesWrongLengthUppercaseAndUnknownAlgorithmsWithAMessageSayingWhatIsExpected() {
        EngineException shortHex = assertThrows(EngineException.class, () -> Digest.parse("sha256:abc"));
        assertTrue(shortHex.getMessage(), shortHex.getMessage().contains("64 lowercase hex"));
        assertEquals(EngineException.Kind.BAD_INPUT, shortHex.kind());
        assertThrows(EngineException.class, () -> Digest.parse("sha256:" + EMPTY_SHA256.toUpperCase()));
        EngineException md5 = assertThrows(EngineException.class, () -> Digest.parse("md5:" + "a".repeat(32)));
        assertTrue(md5.getMessage(), md5.getMessage().contains("not supported"));
        assertThrows(EngineException.class, () -> Digest.parse(EMPTY_SHA256));
    }

    @Test
    public void isDigestTellsDigestsFromTags() {
        assertTrue(Digest.isDigest("sha256:" + EMPTY_SHA256));
        assertFalse(Digest.isDigest("v1.2.3"));
        assertFalse(Digest.isDigest("sha256:" + EMPTY_SHA256 + "0"));
    }

    @Test
    public void bytesRoundTrip() {
        Digest d = Digest.sha256("hello".getBytes(StandardCharsets.UTF_8));
        assertEquals(d, Digest.of(Digest.Algorithm.SHA256, d.bytes()));
    }
}
