package io.jenkins.plugins.immutable.scan;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.time.LocalDate;
import java.util.List;
import java.util.Set;
import java.util.logging.Level;
import java.util.stream.Collectors;
import org.junit.Test;
import se.bjurr.violations.lib.ViolationsLogger;
import se.bjurr.violations.lib.model.SEVERITY;
import se.bjurr.violations.lib.model.Violation;
import se.bjurr.violations.lib.parsers.SarifParser;

/** The SARIF output as warnings-ng reads it: through violations-lib's SarifParser, which analysis-model uses. */
public class SarifTest {

    private static final ViolationsLogger QUIET = new ViolationsLogger() {
        @Override
        public void log(Level level, String message) {
        }

        @Override
        public void log(Level level, String message, Throwable t) {
        }
    };

    @Test
    public void warningsNgReadsRuleIdsLevelsAndLocations() throws Exception {
        ScanReport r = ScannerTest.scan(new Policy(Severity.HIGH, false, List.of(
                new IgnoreRule("CVE-2021-44228", null, "JNDI disabled", LocalDate.parse("2027-01-01")))));
        Set<Violation> violations = new SarifParser().parseReportOutput(ScanOutputs.sarif(r), QUIET);
        assertEquals(r.findings().size(), violations.size());
        Violation log4j = violations.stream().filter(v -> v.getRule().equals("GHSA-jfh8-c2jp-5v3q")).findFirst().get();
        assertEquals("app/app.jar!/BOOT-INF/lib/log4j-core-2.14.1.jar", log4j.getFile());
        assertEquals(SEVERITY.ERROR, log4j.getSeverity());
        assertTrue(log4j.getMessage(), log4j.getMessage().contains(
                "org.apache.logging.log4j:log4j-core 2.14.1 is affected by GHSA-jfh8-c2jp-5v3q (CVE-2021-44228)"));
        // Ignored findings are suppressed, which warnings-ng's SarifAdapter leaves out.
        assertEquals("true", log4j.getSpecifics().get(SarifParser.SARIF_RESULTS_SUPPRESSED));
        Violation requests = violations.stream().filter(v -> v.getRule().equals("GHSA-j8r2-6x86-q33q")).findFirst().get();
        assertEquals(SEVERITY.WARN, requests.getSeverity());
        assertEquals("usr/lib/python3/dist-packages/requests-2.25.0.dist-info/METADATA", requests.getFile());
        Set<SEVERITY> levels = violations.stream().map(Violation::getSeverity).collect(Collectors.toSet());
        assertTrue(levels.toString(), levels.contains(SEVERITY.INFO)); // the LOW gcc-12 finding
    }
}
