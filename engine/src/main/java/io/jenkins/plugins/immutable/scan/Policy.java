package io.jenkins.plugins.immutable.scan;

import io.jenkins.plugins.immutable.scan.catalog.Skipped;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/**
 * What makes a scan fail: findings at or above {@code failAt}, counting only those with a fix available when
 * {@code onlyFixable} (a team can act on those now), and never those an unexpired {@link IgnoreRule} covers; and,
 * unless {@code acceptIncomplete}, anything the scan skipped (a database too large, an archive nested too deep), since
 * a finding may hide there.
 *
 * @param failAt the lowest severity that fails the scan; null never fails (report only, incomplete or not)
 * @param onlyFixable when true, a finding without a fixed version does not fail the scan (it is still reported)
 * @param ignores the ignore list
 * @param acceptIncomplete when true, a scan that skipped content passes if its findings do (the skips are reported)
 */
public record Policy(Severity failAt, boolean onlyFixable, List<IgnoreRule> ignores, boolean acceptIncomplete) {

    /** Report everything, fail on nothing. */
    public static final Policy REPORT_ONLY = new Policy(null, false, List.of());

    public Policy {
        ignores = List.copyOf(ignores);
    }

    /** A policy that refuses an incomplete scan. */
    public Policy(Severity failAt, boolean onlyFixable, List<IgnoreRule> ignores) {
        this(failAt, onlyFixable, ignores, false);
    }

    /** An ignore rule that has expired, and the findings it would still have covered. */
    public record ExpiredIgnore(IgnoreRule rule, List<String> nowCounting) {
        public ExpiredIgnore {
            nowCounting = List.copyOf(nowCounting);
        }
    }

    /** The policy's decision over a scan's findings. */
    public record Evaluation(List<Finding> findings, Verdict verdict, List<String> reasons,
            List<ExpiredIgnore> expired) {
        public Evaluation {
            findings = List.copyOf(findings);
            reasons = List.copyOf(reasons);
            expired = List.copyOf(expired);
        }

        public boolean passed() {
            return verdict == Verdict.PASSED;
        }
    }

    /** The decision over a complete scan's findings. */
    public Evaluation evaluate(List<Finding> raw, LocalDate today) {
        return evaluate(raw, List.of(), today);
    }

    /** The decision over a scan's findings and what it skipped. */
    public Evaluation evaluate(List<Finding> raw, List<Skipped> skipped, LocalDate today) {
        List<IgnoreRule> active = ignores.stream().filter(r -> !r.isExpired(today)).toList();
        List<Finding> findings = new ArrayList<>();
        for (Finding f : raw) {
            IgnoreRule rule = active.stream().filter(r -> r.matches(f)).findFirst().orElse(null);
            findings.add(rule == null ? f : f.ignoredBy(rule));
        }
        List<ExpiredIgnore> expired = new ArrayList<>();
        for (IgnoreRule r : ignores) {
            if (r.isExpired(today)) {
                expired.add(new ExpiredIgnore(r, findings.stream().filter(r::matches)
                        .map(f -> f.id() + " in " + f.pkg().coordinates()).distinct().toList()));
            }
        }
        List<String> reasons = new ArrayList<>();
        if (failAt != null) {
            List<Finding> failing = findings.stream()
                    .filter(f -> !f.isIgnored() && f.severity().atLeast(failAt) && (!onlyFixable || f.fixAvailable()))
                    .toList();
            if (!failing.isEmpty()) {
                reasons.add(failing.size() + " finding" + (failing.size() == 1 ? "" : "s") + " at or above "
                        + failAt + (onlyFixable ? " with a fix available" : "") + ": " + summarize(failing));
            }
        }
        for (ExpiredIgnore e : expired) {
            if (!e.nowCounting().isEmpty()) {
                reasons.add("the ignore rule for " + e.rule().id() + " expired on " + e.rule().expires()
                        + " and no longer applies to " + String.join(", ", e.nowCounting()));
            }
        }
        boolean failing = failAt != null && reasons.stream().anyMatch(r -> r.contains(" at or above "));
        boolean refusedIncomplete = failAt != null && !acceptIncomplete && !skipped.isEmpty();
        if (refusedIncomplete) {
            reasons.add("the scan is incomplete: " + skipped.size() + " item" + (skipped.size() == 1 ? " was" : "s were")
                    + " not read, so findings may be missing (" + skipped.stream().limit(3).map(Skipped::toString)
                    .collect(java.util.stream.Collectors.joining("; ")) + (skipped.size() > 3 ? "; and "
                    + (skipped.size() - 3) + " more" : "") + "). Check those files yourself; if the scan may pass"
                    + " without them, accept incomplete scans (scan.acceptIncomplete: true, or --accept-incomplete)");
        }
        Verdict verdict = failing ? Verdict.FAILED : refusedIncomplete ? Verdict.INCOMPLETE : Verdict.PASSED;
        return new Evaluation(findings, verdict, reasons, expired);
    }

    private static String summarize(List<Finding> failing) {
        List<String> parts = failing.stream().limit(10)
                .map(f -> f.id() + " (" + f.severity() + ", " + f.pkg().coordinates()
                        + (f.fixAvailable() ? ", fixed in " + f.fixedVersion() : "") + ")")
                .toList();
        return String.join(", ", parts) + (failing.size() > 10 ? ", and " + (failing.size() - 10) + " more" : "");
    }
}
