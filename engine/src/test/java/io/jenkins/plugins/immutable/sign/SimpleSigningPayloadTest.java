package io.jenkins.plugins.immutable.sign;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import io.jenkins.plugins.immutable.image.Digest;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.Test;

public class SimpleSigningPayloadTest {

    private static final Digest DIGEST = Digest.sha256("image".getBytes(StandardCharsets.UTF_8));

    @Test
    public void writesCosignsPayloadWithLowercaseKeysAndNullOptional() {
        String json = new String(new SimpleSigningPayload("127.0.0.1:5101/team/app", DIGEST, Map.of()).toJson(),
                StandardCharsets.UTF_8);
        assertEquals("{\"critical\":{\"identity\":{\"docker-reference\":\"127.0.0.1:5101/team/app\"},"
                + "\"image\":{\"docker-manifest-digest\":\"" + DIGEST + "\"},"
                + "\"type\":\"cosign container image signature\"},\"optional\":null}", json);
    }

    @Test
    public void annotationsGoToOptionalAndReadBack() {
        SimpleSigningPayload payload = new SimpleSigningPayload("r/app", DIGEST, Map.of("build", "42", "by", "ci"));
        String json = new String(payload.toJson(), StandardCharsets.UTF_8);
        assertTrue(json, json.endsWith(",\"optional\":{\"build\":\"42\",\"by\":\"ci\"}}"));
        assertEquals(payload, SimpleSigningPayload.parse(payload.toJson()));
    }

    @Test
    public void readsWhatContainersImageWrites() {
        String written = "{\"critical\":{\"identity\":{\"docker-reference\":\"r/app\"},\"image\":{\"docker-manifest-digest\":\""
                + DIGEST + "\"},\"type\":\"cosign container image signature\"},\"optional\":{\"creator\":\"containers/image\",\"timestamp\":1700000000}}";
        SimpleSigningPayload read = SimpleSigningPayload.parse(written.getBytes(StandardCharsets.UTF_8));
        assertEquals(DIGEST, read.manifestDigest());
        assertEquals("1700000000", read.annotations().get("timestamp"));
    }

    @Test
    public void refusesCapitalisedKeysAsProseShowsThem() {
        String prose = "{\"critical\":{\"identity\":{\"docker-reference\":\"r\"},\"image\":{\"Docker-manifest-digest\":\""
                + DIGEST + "\"},\"type\":\"cosign container image signature\"},\"optional\":null}";
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SimpleSigningPayload.parse(prose.getBytes(StandardCharsets.UTF_8)));
        assertTrue(e.getMessage(), e.getMessage().contains("lowercase"));
    }

    @Test
    public void refusesExtraCriticalMembersAnotherTypeAndDuplicates() {
        String extra = "{\"critical\":{\"identity\":{\"docker-reference\":\"r\"},\"image\":{\"docker-manifest-digest\":\""
                + DIGEST + "\"},\"type\":\"cosign container image signature\",\"x\":1},\"optional\":null}";
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SimpleSigningPayload.parse(
                extra.getBytes(StandardCharsets.UTF_8))).getMessage().contains("unexpected member 'x'"));
        String type = extra.replace(",\"x\":1", "").replace("cosign container image signature", "atomic container signature");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SimpleSigningPayload.parse(
                type.getBytes(StandardCharsets.UTF_8))).getMessage().contains("'atomic container signature'"));
        String duplicate = extra.replace(",\"x\":1", ",\"type\":\"cosign container image signature\"");
        assertThrows(IllegalArgumentException.class, () -> SimpleSigningPayload.parse(duplicate.getBytes(StandardCharsets.UTF_8)));
    }
}
