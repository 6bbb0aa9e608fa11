package io.jenkins.plugins.immutable.promote;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
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
            SloPolicy.Burn burn = policy.burn(env, now);
            read.add(burn.toString());
            if (burn.burning()) {
                burning.add(burn.toString());
            }
        }
        String slo = "SLO " + SloPolicy.percent(policy.objective());
        if (burning.isEmpty()) {
            return GateResult.pass(NAME, "error budgets hold, " + slo + ": " + String.join("; ", read));
        }
        return GateResult.refuse(NAME, "burning its error budget too fast for a promotion, " + slo + ": "
                + String.join("; ", burning) + ". Every window is at or over its threshold: wait until the short"
                + " window recovers, or find out why it fails");
    }
}
