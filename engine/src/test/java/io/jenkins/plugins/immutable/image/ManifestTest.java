package io.jenkins.plugins.immutable.image;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import io.jenkins.plugins.immutable.EngineException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.Test;

/** Manifests keep the exact bytes they come from; builders serialise once, in the OCI field order. */
public class ManifestTest {

    private static final Descriptor CONFIG = Descriptor.of(MediaTypes.OCI_EMPTY, "{}".getBytes(StandardCharsets.UTF_8));
    private static final Descriptor LAYER = Descriptor.of(MediaTypes.OCI_LAYER_GZIP, new byte[] {1, 2, 3});

    @Test
    public void parsedManifestsKeepTheirExactBytesAndHashThem() {
        String json = "{ \"schemaVersion\" : 2,\n\t\"config\": {\"mediaType\":\"" + MediaTypes.OCI_EMPTY
                + "\",\"digest\":\"" + CONFIG.digest() + "\",\"size\":2},\"layers\":[],"
                + "\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\", \"extra\": {\"kept\": true} }";
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        Manifest m = Manifest.parse(bytes, null);
        assertTrue(m instanceof ImageManifest);
        assertArrayEquals(bytes, m.bytes());
        assertEquals(Digest.sha256(bytes), m.digest());
        assertEquals(bytes.length, m.size());
        assertEquals(CONFIG, ((ImageManifest) m).config());
    }

    @Test
    public void theBuilderWritesOciFieldsInOrderWithSubjectAndArtifactType() {
        Descriptor subject = Descriptor.of(MediaTypes.OCI_MANIFEST, "x".getBytes(StandardCharsets.UTF_8));
        ImageManifest m = ImageManifest.builder(MediaTypes.OCI_MANIFEST).artifactType(MediaTypes.SIGSTORE_BUNDLE)
                .config(CONFIG).layer(LAYER.withAnnotations(Map.of("b", "2", "a", "1"))).subject(subject)
                .annotation("org.opencontainers.image.created", "2026-01-01T00:00:00Z").build();
        String expected = "{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",\"artifactType\":\""
                + MediaTypes.SIGSTORE_BUNDLE + "\",\"config\":{\"mediaType\":\"" + MediaTypes.OCI_EMPTY
                + "\",\"digest\":\"" + CONFIG.digest() + "\",\"size\":2},\"layers\":[{\"mediaType\":\""
                + MediaTypes.OCI_LAYER_GZIP + "\",\"digest\":\"" + LAYER.digest() + "\",\"size\":3,\"annotations\":"
                + "{\"a\":\"1\",\"b\":\"2\"}}],\"subject\":{\"mediaType\":\"" + MediaTypes.OCI_MANIFEST
                + "\",\"digest\":\"" + subject.digest() + "\",\"size\":1},\"annotations\":{"
                + "\"org.opencontainers.image.created\":\"2026-01-01T00:00:00Z\"}}";
        assertEquals(expected, new String(m.bytes(), StandardCharsets.UTF_8));
        Manifest back = Manifest.parse(m.bytes(), MediaTypes.OCI_MANIFEST);
        assertEquals(m, back);
        assertEquals(subject, back.subject());
        assertEquals(MediaTypes.SIGSTORE_BUNDLE, back.artifactType());
        assertEquals(MediaTypes.SIGSTORE_BUNDLE, back.descriptor().artifactType());
    }

    @Test
    public void indexesCarryPlatformsAndTheirMediaTypeComesFromTheContentTypeWhenTheJsonHasNone() {
        String json = "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"" + MediaTypes.OCI_MANIFEST
                + "\",\"digest\":\"" + LAYER.digest() + "\",\"size\":3,\"platform\":{\"architecture\":\"arm64\","
                + "\"os\":\"linux\",\"variant\":\"v8\"}}]}";
        Manifest m = Manifest.parse(json.getBytes(StandardCharsets.UTF_8), MediaTypes.OCI_INDEX + "; charset=utf-8");
        assertEquals(MediaTypes.OCI_INDEX, m.mediaType());
        ImageIndex index = (ImageIndex) m;
        assertEquals(Platform.parse("linux/arm64/v8"), index.manifests().get(0).platform());
        assertNull(index.subject());
    }

    @Test
    public void schemaOneAndGarbageAreRefusedWithAReason() {
        assertRefused("{\"schemaVersion\":1,\"name\":\"x\"}", "schema 1");
        assertRefused("not json", "not valid JSON");
        assertRefused("[1]", "not a JSON object");
        assertRefused("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",\"layers\":[]}",
                "no config");
        assertRefused("{\"schemaVersion\":2,\"mediaType\":\"text/plain\"}", "not a manifest type");
        assertRefused("{\"schemaVersion\":2,\"manifests\":[{\"digest\":\"sha256:12\",\"size\":1}]}", "not a valid digest");
        try {
            ImageManifest.builder(MediaTypes.DOCKER_MANIFEST).config(CONFIG).subject(LAYER).build();
            fail();
        } catch (EngineException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("build an OCI manifest"));
        }
    }

    private static void assertRefused(String json, String reason) {
        try {
            Manifest.parse(json.getBytes(StandardCharsets.UTF_8), null);
            fail("accepted " + json);
        } catch (EngineException e) {
            assertEquals(EngineException.Kind.BAD_INPUT, e.kind());
            assertTrue(e.getMessage(), e.getMessage().contains(reason));
        }
    }
}
