package io.jenkins.plugins.immutable.scan;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;

import io.jenkins.plugins.immutable.ProgressListener;
import io.jenkins.plugins.immutable.scan.layer.DecompressionLimits;
import io.jenkins.plugins.immutable.scan.layer.Layer;
import io.jenkins.plugins.immutable.scan.layer.TarBuilder;
import io.jenkins.plugins.immutable.scan.osv.OsvDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * CVSS base scores of every version OSV publishes (CVSS_V2, CVSS_V3, CVSS_V4), checked against the values FIRST's and
 * NVD's calculators give for the same vectors, and a scan whose advisories are scored only in v4 or only in v2.
 */
public class CvssScoreTest {

    @Rule
    public TemporaryFolder temp = new TemporaryFolder();

    private static void score(double expected, String type, String vector) {
        CvssScore s = CvssScore.of(type, vector);
        assertEquals(vector, expected, s.baseScore(), 0.0);
    }

    @Test
    public void baseScoresMatchPublishedOnes() {
        score(9.8, "CVSS_V3", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H");
        score(10.0, "CVSS_V3", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H"); // CVE-2021-44228
        score(6.8, "CVSS_V3", "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:C/C:H/I:N/A:N"); // the OSV schema's example
        score(6.1, "CVSS_V3", "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N");
        score(1.6, "CVSS_V3", "CVSS:3.1/AV:P/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N");
        score(5.3, "CVSS_V3", "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:N/A:N");
        score(0.0, "CVSS_V3", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N");
        score(9.8, "CVSS_V3", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:U/RL:O/RC:C"); // temporal left out
        score(9.3, "CVSS_V4", "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N");
        score(8.7, "CVSS_V4", "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:H/SC:N/SI:N/SA:N");
        score(7.5, "CVSS_V2", "AV:N/AC:L/Au:N/C:P/I:P/A:P");
        score(10.0, "CVSS_V2", "AV:N/AC:L/Au:N/C:C/I:C/A:C");
    }

    @Test
    public void ratingsFollowEachVersionsScale() {
        assertEquals(Severity.CRITICAL, CvssScore.of("CVSS_V4",
                "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N").severity());
        assertEquals("v2 has no critical", Severity.HIGH, CvssScore.of("CVSS_V2", "AV:N/AC:L/Au:N/C:C/I:C/A:C")
                .severity());
        assertEquals(Severity.MEDIUM, CvssScore.of("CVSS_V2", "AV:N/AC:M/Au:N/C:P/I:N/A:N").severity());
    }

    @Test
    public void incompleteForeignOrMislabelledVectorsHaveNoScore() {
        assertNull(CvssScore.of("CVSS_V3", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H"));
        assertNull(CvssScore.of("CVSS_V3", "CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"));
        assertNull(CvssScore.of("CVSS_V3", "AV:N/AC:L/Au:N/C:P/I:P/A:P"));
        assertNull(CvssScore.of("CVSS_V3", "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"));
        assertNull(CvssScore.of("CVSS_V2", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"));
        assertNull(CvssScore.of("CVSS_V4", "CVSS:4.0/AV:N"));
        assertNull(CvssScore.of("Ubuntu", "high"));
        assertNull(CvssScore.of("CVSS_V4", null));
    }

    /** An advisory as osv.dev serves it, scored only by {@code severityType}, with no database severity word. */
    private static String advisory(String id, String pkg, String fixed, String severityType, String vector) {
        return """
                {
                  "schema_version": "1.6.6",
                  "id": "%s",
                  "modified": "2026-10-01T00:00:00Z",
                  "published": "2026-01-01T00:00:00Z",
                  "aliases": ["CVE-2026-%s"],
                  "summary": "Remote code execution in %s",
                  "severity": [{"type": "%s", "score": "%s"}],
                  "affected": [{
                    "package": {"ecosystem": "Maven", "name": "%s"},
                    "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "%s"}]}]
                  }],
                  "references": [{"type": "ADVISORY", "url": "https://osv.dev/vulnerability/%s"}],
                  "database_specific": {"cwe_ids": ["CWE-502"], "github_reviewed": true}
                }
                """.formatted(id, id.substring(id.length() - 4), pkg, severityType, vector, pkg, fixed, id);
    }

    @Test
    public void advisoriesScoredOnlyInV4OrV2FailAPolicyAsTheirScoresSay() throws Exception {
        Path db = temp.newFolder("osv").toPath();
        Files.createDirectories(db.resolve("Maven"));
        Files.writeString(db.resolve("Maven/GHSA-v4v4-v4v4-0001.json"), advisory("GHSA-v4v4-v4v4-0001",
                "org.example:scored-in-v4", "1.1", "CVSS_V4",
                "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"));
        Files.writeString(db.resolve("Maven/GHSA-v2v2-v2v2-0002.json"), advisory("GHSA-v2v2-v2v2-0002",
                "org.example:scored-in-v2", "2.1", "CVSS_V2", "AV:N/AC:L/Au:N/C:P/I:P/A:P"));
        byte[] layer = new TarBuilder()
                .file("app/lib/scored-in-v4-1.0.jar", ScanFixtures.jar("org.example", "scored-in-v4", "1.0", null), 0100644)
                .file("app/lib/scored-in-v2-2.0.jar", ScanFixtures.jar("org.example", "scored-in-v2", "2.0", null), 0100644)
                .gzip();
        try (OsvDatabase database = OsvDatabase.open(db, ProgressListener.NONE)) {
            ScanReport r = new Scanner(database, DecompressionLimits.DEFAULT, ScannerTest.CLOCK, ProgressListener.NONE)
                    .scan("v4", null, List.of(Layer.ofBytes("layer", layer)),
                            new Policy(Severity.HIGH, false, List.of()));
            Map<String, String> found = r.findings().stream().collect(Collectors.toMap(Finding::id,
                    f -> f.severity() + " " + f.cvssScore() + " " + f.cvssVector()));
            assertEquals(Map.of(
                    "GHSA-v4v4-v4v4-0001", "CRITICAL 9.3 CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
                    "GHSA-v2v2-v2v2-0002", "HIGH 7.5 AV:N/AC:L/Au:N/C:P/I:P/A:P"), found);
            assertFalse(r.summary(), r.passed());
        }
    }
}
