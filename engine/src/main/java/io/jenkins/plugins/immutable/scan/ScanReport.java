package io.jenkins.plugins.immutable.scan;

import io.jenkins.plugins.immutable.scan.catalog.InstalledPackage;
import io.jenkins.plugins.immutable.scan.catalog.OsRelease;
import io.jenkins.plugins.immutable.scan.layer.LayerStats;
import io.jenkins.plugins.immutable.scan.osv.OsvDatabase;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Everything one scan found and decided: the image, its OS, its packages, the findings (ignored ones included, marked),
 * the policy's verdict with its reasons, expired ignore rules, what could not be read, which database state and
 * scanner produced it, and when.
 *
 * @param image the scanned image as named ({@code registry/repo@sha256:...}), or a name for local layers
 * @param digest the image manifest's digest, when scanned from a registry; null otherwise
 */
public record ScanReport(String image, String digest, OsRelease os, List<InstalledPackage> packages,
        List<Finding> findings, Policy policy, boolean passed, List<String> reasons,
        List<Policy.ExpiredIgnore> expiredIgnores, List<String> warnings, OsvDatabase.Info database,
        String scannerVersion, Instant startedOn, Instant finishedOn, LayerStats layers) {

    /** The URI that names this scanner in attestations and SARIF. */
    public static final String SCANNER_URI = "https://github.com/jenkinsci/immutable-delivery-plugin";
    public static final String SCANNER_NAME = "immutable-delivery scan";

    public ScanReport {
        packages = List.copyOf(packages);
        findings = List.copyOf(findings);
        reasons = List.copyOf(reasons);
        expiredIgnores = List.copyOf(expiredIgnores);
        warnings = List.copyOf(warnings);
    }

    /** Findings that count (not ignored), by severity, every severity present with 0 when none. */
    public Map<Severity, Integer> countsBySeverity() {
        Map<Severity, Integer> counts = new EnumMap<>(Severity.class);
        for (Severity s : Severity.values()) {
            counts.put(s, 0);
        }
        findings.stream().filter(f -> !f.isIgnored()).forEach(f -> counts.merge(f.severity(), 1, Integer::sum));
        return counts;
    }

    /** One line for logs: {@code 2 critical, 5 high, 1 medium, 0 low, 0 unknown (3 ignored); FAILED}. */
    public String summary() {
        Map<Severity, Integer> c = countsBySeverity();
        long ignored = findings.stream().filter(Finding::isIgnored).count();
        return c.get(Severity.CRITICAL) + " critical, " + c.get(Severity.HIGH) + " high, " + c.get(Severity.MEDIUM)
                + " medium, " + c.get(Severity.LOW) + " low, " + c.get(Severity.UNKNOWN) + " unknown"
                + (ignored > 0 ? " (" + ignored + " ignored)" : "") + " in " + packages.size() + " packages; "
                + (passed ? "PASSED" : "FAILED");
    }
}
