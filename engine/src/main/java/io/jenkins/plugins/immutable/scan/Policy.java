package io.jenkins.plugins.immutable.scan;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/**
 * What makes a scan fail: findings at or above {@code failAt}, counting only those with a fix available when
 * {@code onlyFixable} (a team can act on those now), and never those an unexpired {@link IgnoreRule} covers.
 *
 * @param failAt the lowest severity that fails the scan; null never fails on severity (report only)
 * @param onlyFixable when true, a finding without a fixed version does not fail the scan (it is still reported)
 * @param ignores the ignore list
 */
public record Policy(Severity failAt, boolean onlyFixable, List<IgnoreRule> ignores) {

    /** Report everything, fail on nothing. */
    public static final Policy REPORT_ONLY = new Policy(null, false, List.of());

    public Policy {
        ignores = List.copyOf(ignores);
    }

    /** An ignore rule that has expired, and the findings it would still have covered. */
    public record ExpiredIgnore(IgnoreRule rule, List<String> nowCounting) {
        public ExpiredIgnore {
            nowCounting = List.copyOf(nowCounting);
        }
    }

    /** The policy's decision over a scan's findings. */
    public record Evaluation(List<Finding> findings, boolean passed, List<String> reasons, List<ExpiredIgnore> expired) {
        public Evaluation {
            findings = List.copyOf(findings);
            reasons = List.copyOf(reasons);
            expired = List.copyOf(expired);
        }
    }

    public Evaluation evaluate(List<Finding> raw, LocalDate today) {
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
        boolean passed = failAt == null || reasons.stream().noneMatch(r -> r.contains(" at or above "));
        return new Evaluation(findings, passed, reasons, expired);
    }

    private static String summarize(List<Finding> failing) {
        List<String> parts = failing.stream().limit(10)
                .map(f -> f.id() + " (" + f.severity() + ", " + f.pkg().coordinates()
                        + (f.fixAvailable() ? ", fixed in " + f.fixedVersion() : "") + ")")
                .toList();
        return String.join(", ", parts) + (failing.size() > 10 ? ", and " + (failing.size() - 10) + " more" : "");
    }
}
