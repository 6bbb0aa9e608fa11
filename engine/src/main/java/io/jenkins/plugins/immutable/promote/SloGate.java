package io.jenkins.plugins.immutable.promote;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Refuses a promotion while the previous environment or the target burns its error budget too fast: for each, the
 * error ratio over every configured window is read from Prometheus and turned into a burn rate (ratio / (1 - SLO)).
 * As in the SRE workbook's multi-window alerts, an environment is burning when every window is at or over its
 * threshold: the long window shows the burn is significant, the short one that it is still going on. The refusal and
 * the pass both show the numbers. A window without requests (no data) burns nothing. An unreachable Prometheus is an
 * outage, not a refusal.
 */
public final class SloGate implements Gate {

    public static final String NAME = "error-budget";

    private final SloPolicy policy;
    private final Clock clock;

    public SloGate(SloPolicy policy, Clock clock) {
        this.policy = Objects.requireNonNull(policy, "policy");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public GateResult check(GateContext c) {
        Instant now = clock.instant();
        List<String> burning = new ArrayList<>();
        List<String> read = new ArrayList<>();
        List<String> environments = new ArrayList<>();
        if (c.previous() != null) {
            environments.add(c.previous().name());
        }
        environments.add(c.environment().name());
        for (String env : environments) {
            List<String> figures = new ArrayList<>();
            boolean allOver = true;
            for (SloPolicy.BurnWindow w : policy.windows()) {
                String window = SloPolicy.promDuration(w.window());
                List<Double> values = policy.source().instant(policy.query(env, w.window()), now,
                        "the error ratio of " + env + " over " + window);
                double ratio = values.stream().filter(v -> !v.isNaN()).mapToDouble(Double::doubleValue).max()
                        .orElse(Double.NaN);
                if (Double.isNaN(ratio)) {
                    figures.add(window + ": no requests (burn rate 0, threshold " + number(w.threshold()) + ")");
                    allOver = false;
                    continue;
                }
                double burn = ratio / (1 - policy.objective());
                figures.add(window + ": error ratio " + percent(ratio) + ", burn rate " + number(burn)
                        + (burn >= w.threshold() ? " >= " : " < ") + number(w.threshold()));
                allOver &= burn >= w.threshold();
            }
            String line = env + " (" + String.join("; ", figures) + ")";
            read.add(line);
            if (allOver) {
                burning.add(line);
            }
        }
        String slo = "SLO " + percent(policy.objective());
        if (burning.isEmpty()) {
            return GateResult.pass(NAME, "error budgets hold, " + slo + ": " + String.join("; ", read));
        }
        return GateResult.refuse(NAME, "burning its error budget too fast for a promotion, " + slo + ": "
                + String.join("; ", burning) + ". Every window is at or over its threshold: wait until the short"
                + " window recovers, or find out why it fails");
    }

    private static String percent(double ratio) {
        return String.format(Locale.ROOT, "%.3f", ratio * 100).replaceAll("\\.?0+$", "") + "%";
    }

    private static String number(double value) {
        return String.format(Locale.ROOT, "%.2f", value).replaceAll("\\.?0+$", "");
    }
}
