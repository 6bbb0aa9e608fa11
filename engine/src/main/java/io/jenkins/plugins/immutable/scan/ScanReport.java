package io.jenkins.plugins.immutable.scan;

import io.jenkins.plugins.immutable.scan.catalog.InstalledPackage;
import io.jenkins.plugins.immutable.scan.catalog.OsRelease;
import io.jenkins.plugins.immutable.scan.catalog.Skipped;
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
 * @param passed whether the verdict is {@link Verdict#PASSED}, kept for readers of reports written before verdicts
 * @param skipped what the scan did not read, so findings may be missing there; empty when it read everything
 * @param verdict passed, failed on findings, or incomplete (skipped content the policy does not accept)
 */
public record ScanReport(String image, String digest, OsRelease os, List<InstalledPackage> packages,
        List<Finding> findings, Policy policy, boolean passed, List<String> reasons,
        List<Policy.ExpiredIgnore> expiredIgnores, List<String> warnings, OsvDatabase.Info database,
        String scannerVersion, Instant startedOn, Instant finishedOn, LayerStats layers, List<Skipped> skipped,
        Verdict verdict) {

    /** The URI that names this scanner in attestations and SARIF. */
    public static final String SCANNER_URI = "https://github.com/jenkinsci/immutable-delivery-plugin";
    public static final String SCANNER_NAME = "immutable-delivery scan";

    public ScanReport {
        packages = List.copyOf(packages);
        findings = List.copyOf(findings);
        reasons = List.copyOf(reasons);
        expiredIgnores = List.copyOf(expiredIgnores);
        warnings = List.copyOf(warnings);
        // reports written before skipped content and verdicts were recorded read as complete
        skipped = skipped == null ? List.of() : List.copyOf(skipped);
        verdict = verdict == null ? (passed ? Verdict.PASSED : Verdict.FAILED) : verdict;
        if (passed != (verdict == Verdict.PASSED)) {
            throw new IllegalArgumentException("a scan report's verdict " + verdict + " contradicts passed=" + passed);
        }
    }

    /** Whether the scan skipped content (whether or not its policy accepted that). */
    public boolean incomplete() {
        return !skipped.isEmpty();
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

    /**
     * One line for logs: {@code 2 critical, 5 high, 1 medium, 0 low, 0 unknown (3 ignored) in 80 packages; FAILED}, or
     * {@code ... in 80 packages, 1 item not read; INCOMPLETE}.
     */
    public String summary() {
        Map<Severity, Integer> c = countsBySeverity();
        long ignored = findings.stream().filter(Finding::isIgnored).count();
        return c.get(Severity.CRITICAL) + " critical, " + c.get(Severity.HIGH) + " high, " + c.get(Severity.MEDIUM)
                + " medium, " + c.get(Severity.LOW) + " low, " + c.get(Severity.UNKNOWN) + " unknown"
                + (ignored > 0 ? " (" + ignored + " ignored)" : "") + " in " + packages.size() + " packages"
                + (skipped.isEmpty() ? "" : ", " + skipped.size() + " item" + (skipped.size() == 1 ? "" : "s")
                        + " not read") + "; " + verdict;
    }
}
