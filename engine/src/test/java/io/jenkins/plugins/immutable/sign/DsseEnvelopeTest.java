package io.jenkins.plugins.immutable.sign;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.Test;

public class DsseEnvelopeTest {

    @Test
    public void preAuthenticationEncodingMatchesTheSpecVector() {
        byte[] pae = DsseEnvelope.pae("http://example.com/HelloWorld", "hello world".getBytes(StandardCharsets.UTF_8));
        assertEquals("DSSEv1 29 http://example.com/HelloWorld 11 hello world", new String(pae, StandardCharsets.UTF_8));
    }

    @Test
    public void lengthsCountBytesNotCharacters() {
        byte[] pae = DsseEnvelope.pae("t", "é".getBytes(StandardCharsets.UTF_8));
        assertEquals("DSSEv1 1 t 2 é", new String(pae, StandardCharsets.UTF_8));
    }

    @Test
    public void aSignedEnvelopeVerifiesWithItsKeyOnly() {
        try (SigningKey key = SigningKey.generate(); SigningKey other = SigningKey.generate()) {
            DsseEnvelope envelope = DsseEnvelope.sign(DsseEnvelope.IN_TOTO_PAYLOAD_TYPE, "{}".getBytes(StandardCharsets.UTF_8), key);
            DsseEnvelope read = DsseEnvelope.parse(envelope.toJson());
            assertEquals(List.of(key.publicKey()), read.verifiedKeys(List.of(other.publicKey(), key.publicKey())));
            DsseEnvelope retyped = new DsseEnvelope("application/other", read.payload(), read.signatures());
            assertEquals("the type is signed too", List.of(), retyped.verifiedKeys(List.of(key.publicKey())));
            DsseEnvelope tampered = new DsseEnvelope(read.payloadType(), "{ }".getBytes(StandardCharsets.UTF_8), read.signatures());
            assertEquals(List.of(), tampered.verifiedKeys(List.of(key.publicKey())));
        }
    }

    @Test
    public void writesTheFieldsCosignWritesWithAnEmptyKeyId() {
        try (SigningKey key = SigningKey.generate()) {
            String json = new String(DsseEnvelope.sign("t", new byte[] {1}, key).toJson(), StandardCharsets.UTF_8);
            assertTrue(json, json.startsWith("{\"payloadType\":\"t\",\"payload\":\"AQ==\",\"signatures\":[{\"keyid\":\"\",\"sig\":\""));
        }
    }

    @Test
    public void readsUrlSafeUnpaddedBase64() {
        byte[] payload = {(byte) 0xfb, (byte) 0xff};
        String urlSafe = Base64.getUrlEncoder().withoutPadding().encodeToString(payload);
        assertEquals("-_8", urlSafe);
        String json = "{\"payloadType\":\"t\",\"payload\":\"" + urlSafe + "\",\"signatures\":[{\"sig\":\"" + urlSafe + "\"}]}";
        DsseEnvelope envelope = DsseEnvelope.parse(json.getBytes(StandardCharsets.UTF_8));
        assertArrayEquals(payload, envelope.payload());
        assertEquals("", envelope.signatures().get(0).keyId());
    }

    @Test
    public void malformedEnvelopesSayWhatIsMissing() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DsseEnvelope.parse("{\"payload\":\"AA==\"}".getBytes(StandardCharsets.UTF_8)));
        assertTrue(e.getMessage(), e.getMessage().contains("lacks payloadType, payload or signatures"));
        IllegalArgumentException dup = assertThrows(IllegalArgumentException.class, () -> DsseEnvelope.parse(
                "{\"payloadType\":\"a\",\"payloadType\":\"b\",\"payload\":\"\",\"signatures\":[]}".getBytes(StandardCharsets.UTF_8)));
        assertTrue(dup.getMessage(), dup.getMessage().contains("not JSON"));
    }
}
