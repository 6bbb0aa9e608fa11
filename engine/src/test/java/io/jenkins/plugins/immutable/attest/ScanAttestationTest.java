package io.jenkins.plugins.immutable.attest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.ProgressListener;
import io.jenkins.plugins.immutable.image.Digest;
import io.jenkins.plugins.immutable.scan.Policy;
import io.jenkins.plugins.immutable.scan.ScanFixtures;
import io.jenkins.plugins.immutable.scan.ScanOutputs;
import io.jenkins.plugins.immutable.scan.ScanReport;
import io.jenkins.plugins.immutable.scan.Scanner;
import io.jenkins.plugins.immutable.scan.layer.Layer;
import io.jenkins.plugins.immutable.scan.osv.OsvDatabase;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.Test;

public class ScanAttestationTest {

    private static final Digest DIGEST = Digest.sha256("an image".getBytes(StandardCharsets.UTF_8));

    private static ScanReport scan(String digest) {
        try (OsvDatabase db = OsvDatabase.open(Path.of("..", "testdata", "osv-db"), ProgressListener.NONE)) {
            return new Scanner(db, ProgressListener.NONE).scan("registry.example:5000/team/app:1", digest,
                    List.of(Layer.ofBytes("sha256:base", ScanFixtures.baseLayer().gzip())), Policy.REPORT_ONLY);
        }
    }

    @Test
    public void statementIsAboutTheScannedDigestAndCarriesTheReportTheScanGateReads() {
        ScanReport report = scan(DIGEST.toString());
        Statement s = ScanAttestation.statement(report, new ScanOutputs.Invocation(Map.of("image", "x"), "",
                "run-7", "https://jenkins.example/job/app/7/"));
        assertEquals(PredicateTypes.COSIGN_VULN_V1, s.predicateType());
        assertTrue(s.covers(DIGEST));
        assertEquals("registry.example:5000/team/app", s.subjects().get(0).name());
        JsonNode result = s.predicate().path("scanner").path("result");
        assertEquals(ScanOutputs.json(report), ScanOutputs.json(ScanOutputs.parseJson(result.toString())));
        assertEquals("registry.example:5000/team/app:1@" + DIGEST, ScanAttestation.image(report).toString());
    }

    @Test
    public void aReportWithoutADigestCannotBeAttested() {
        EngineException e = assertThrows(EngineException.class,
                () -> ScanAttestation.statement(scan(null), ScanOutputs.Invocation.NONE));
        assertEquals(EngineException.Kind.BAD_INPUT, e.kind());
        assertTrue(e.getMessage(), e.getMessage().contains("names no digest"));
    }
}
