package io.jenkins.plugins.immutable.bake;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.image.Digest;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.Test;

public class ProvenanceTest {

    private static final Digest IMAGE = Digest.sha256("image".getBytes());
    private static final Digest BASE = Digest.sha256("base".getBytes());
    private static final Instant START = Instant.parse("2026-09-01T10:00:00Z");

    private static Provenance provenance(Map<String, String> buildArgs, Map<String, String> parameters) {
        return new Provenance(new Provenance.Artifact("127.0.0.1:5101/team/app", IMAGE),
                "https://example.org/team/app.git", "0123456789abcdef0123456789abcdef01234567",
                List.of(new Provenance.Artifact("127.0.0.1:5101/base/jre", BASE)), buildArgs, Digest.sha256(new byte[0]),
                "https://ci.example.org/job/app/42/", "0.1.0", "alice", Provenance.DOCKER_ENGINE_BUILD_TYPE,
                "app#42", START, START.plusSeconds(30), parameters);
    }

    @Test
    public void mapsToTheSlsaBuildDefinitionWithSourceAndBaseImagesAsResolvedDependencies() {
        Map<String, String> args = new TreeMap<>(Map.of("VERSION", "1.2.3", "A", "x"));
        Provenance p = provenance(args, Map.of("target", "runtime", "platform", "linux/amd64"));

        Map<String, Object> external = p.externalParameters();
        assertEquals(List.of("source", "buildArgs", "dockerfileDigest", "platform", "target"),
                List.copyOf(external.keySet()));
        assertEquals(Map.of("uri", "https://example.org/team/app.git",
                "commit", "0123456789abcdef0123456789abcdef01234567"), external.get("source"));
        assertEquals(List.of("A", "VERSION"), List.copyOf(p.buildArgs().keySet()));
        assertEquals(Map.of("invokedBy", "alice"), p.internalParameters());

        List<Map<String, Object>> deps = p.resolvedDependencies();
        assertEquals(2, deps.size());
        assertEquals("git+https://example.org/team/app.git", deps.get(0).get("uri"));
        assertEquals(Map.of("gitCommit", "0123456789abcdef0123456789abcdef01234567"), deps.get(0).get("digest"));
        assertEquals("oci://127.0.0.1:5101/base/jre", deps.get(1).get("uri"));
        assertEquals(Map.of("sha256", BASE.hex()), deps.get(1).get("digest"));
        assertEquals("127.0.0.1:5101/team/app@" + IMAGE, p.image().pinnedReference());
    }

    @Test
    public void anExtraParameterCannotOverrideTheRecordedSourceOrBuildArguments() {
        Provenance p = provenance(Map.of("V", "1"), Map.of("buildArgs", "forged"));
        assertEquals(Map.of("V", "1"), p.externalParameters().get("buildArgs"));
    }

    @Test
    public void refusesAFinishBeforeTheStartAndAnImageNameCarryingADigest() {
        EngineException e = assertThrows(EngineException.class, () -> new Provenance(
                new Provenance.Artifact("r/app", IMAGE), null, null, null, null, null, Provenance.CLI_BUILDER_ID,
                null, null, Provenance.LAYER_BUILD_TYPE, null, START, START.minusSeconds(1), null));
        assertTrue(e.getMessage(), e.getMessage().contains("before it started"));
        assertThrows(EngineException.class, () -> new Provenance.Artifact("r/app@" + IMAGE, IMAGE));
    }
}
