package io.jenkins.plugins.immutable.attest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jenkins.plugins.immutable.bake.Provenance;
import io.jenkins.plugins.immutable.image.Digest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.Test;

public class SlsaProvenanceTest {

    static final Digest IMAGE = Digest.sha256("image".getBytes(StandardCharsets.UTF_8));
    static final Digest BASE = Digest.sha256("base".getBytes(StandardCharsets.UTF_8));

    static Provenance provenance(String builderId, String source) {
        return new Provenance(new Provenance.Artifact("127.0.0.1:5101/team/app", IMAGE), source, "a1b2c3",
                List.of(new Provenance.Artifact("127.0.0.1:5101/base/busybox", BASE)), Map.of("VERSION", "1.2"),
                null, builderId, "0.1.0", "alice", Provenance.DOCKER_ENGINE_BUILD_TYPE, "run-42",
                Instant.parse("2026-11-20T10:00:00Z"), Instant.parse("2026-11-20T10:02:30Z"), Map.of("target", "prod"));
    }

    @Test
    public void mapsBakeProvenanceOntoSlsaV1() throws Exception {
        Statement statement = SlsaProvenance.statement(provenance("https://ci.example.com/job/app/42/",
                "https://git.example.com/team/app.git"));
        assertEquals(PredicateTypes.SLSA_PROVENANCE_V1, statement.predicateType());
        assertEquals(Subject.of("127.0.0.1:5101/team/app", IMAGE), statement.subjects().get(0));
        JsonNode expected = new ObjectMapper().readTree("""
                {"buildDefinition":{"buildType":"%s",
                  "externalParameters":{"source":{"uri":"https://git.example.com/team/app.git","commit":"a1b2c3"},
                                        "buildArgs":{"VERSION":"1.2"},"target":"prod"},
                  "internalParameters":{"invokedBy":"alice"},
                  "resolvedDependencies":[{"uri":"git+https://git.example.com/team/app.git","digest":{"gitCommit":"a1b2c3"}},
                                          {"uri":"oci://127.0.0.1:5101/base/busybox","digest":{"sha256":"%s"}}]},
                 "runDetails":{"builder":{"id":"https://ci.example.com/job/app/42/","version":{"immutable-delivery":"0.1.0"}},
                  "metadata":{"invocationId":"run-42","startedOn":"2026-11-20T10:00:00Z","finishedOn":"2026-11-20T10:02:30Z"}}}
                """.formatted(Provenance.DOCKER_ENGINE_BUILD_TYPE, BASE.hex()));
        assertEquals(expected, statement.predicate());
    }

    @Test
    public void readsBackWhatAPolicyDecidesOn() {
        SlsaProvenance read = SlsaProvenance.read(SlsaProvenance.predicate(
                provenance("immutable-cli", "https://git.example.com/team/app.git")));
        assertEquals(new SlsaProvenance(Provenance.DOCKER_ENGINE_BUILD_TYPE, "immutable-cli",
                "https://git.example.com/team/app.git", "a1b2c3"), read);
        assertEquals(List.of("oci://127.0.0.1:5101/base/busybox"),
                SlsaProvenance.baseImages(SlsaProvenance.predicate(provenance("immutable-cli", null))));
    }

    @Test
    public void theSummarySaysWhenNoSourceWasRecorded() {
        assertEquals("built by immutable-cli, no source recorded",
                new SlsaProvenance(Provenance.DOCKER_ENGINE_BUILD_TYPE, "immutable-cli", null, null).summary());
        assertEquals("built by ci from https://git.example.com/app.git at 0123456789ab",
                new SlsaProvenance(Provenance.DOCKER_ENGINE_BUILD_TYPE, "ci", "https://git.example.com/app.git",
                        "0123456789abcdef0123456789abcdef01234567").summary());
    }

    @Test
    public void policyAcceptsTheTrustedBuilderAndSource() {
        Statement statement = SlsaProvenance.statement(provenance("https://ci.example.com/job/app/42/",
                "https://git.example.com/team/app.git"));
        assertEquals(List.of(), ProvenancePolicy.builderAndSource("https://ci.example.com/job/app/*",
                "git+https://GIT.example.com/team/app/").violations(statement));
    }

    @Test
    public void policyNamesEachWayTheProvenanceFallsShort() {
        Statement statement = SlsaProvenance.statement(provenance("https://laptop.example.com/",
                "https://git.example.com/fork/app.git"));
        ProvenancePolicy policy = new ProvenancePolicy(Set.of("https://ci.example.com/job/app/*"),
                Set.of("https://git.example.com/team/app"), Set.of(Provenance.LAYER_BUILD_TYPE));
        List<String> violations = policy.violations(statement);
        assertEquals(violations.toString(), 3, violations.size());
        assertTrue(violations.get(0), violations.get(0).startsWith("built by https://laptop.example.com/, which is not a trusted builder"));
        assertTrue(violations.get(1), violations.get(1).startsWith("built from https://git.example.com/fork/app.git"));
        assertTrue(violations.get(2), violations.get(2).startsWith("build type"));
        Statement noSource = SlsaProvenance.statement(provenance("https://ci.example.com/job/app/1/", null));
        assertEquals(List.of("the provenance names no source repository; the policy requires one of"
                + " [https://git.example.com/team/app]"), ProvenancePolicy.builderAndSource(
                "https://ci.example.com/job/app/*", "https://git.example.com/team/app").violations(noSource));
    }

    @Test
    public void policyRefusesAnotherPredicateType() {
        Statement vuln = Statement.about(Subject.of("a", IMAGE), PredicateTypes.COSIGN_VULN_V1, null);
        assertEquals(1, ProvenancePolicy.builderAndSource("x", "y").violations(vuln).size());
    }
}
