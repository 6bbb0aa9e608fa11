package io.jenkins.plugins.immutable.promote;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Refuses a promotion while an upstream environment or the target burns its error budget too fast: for each, the
 * error ratio over every configured window is read from Prometheus and turned into a burn rate (ratio / (1 - SLO)).
 * As in the SRE workbook's multi-window alerts, an environment is burning when every window is at or over its
 * threshold: the long window shows the burn is significant, the short one that it is still going on. The refusal and
 * the pass both show the numbers. A window without requests (no data) burns nothing. An unreachable Prometheus is an
 * outage, not a refusal. With several upstream environments, each must hold when the environment requires all of them;
 * one holding is enough when it requires any (the target must hold either way).
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
        List<String> read = new ArrayList<>();
        List<String> burningUpstream = new ArrayList<>();
        List<String> holdingUpstream = new ArrayList<>();
        for (GateContext.UpstreamLedger u : c.upstreams()) {
            SloPolicy.Burn burn = policy.burn(u.name(), now);
            read.add(burn.toString());
            (burn.burning() ? burningUpstream : holdingUpstream).add(burn.toString());
        }
        SloPolicy.Burn target = policy.burn(c.environment().name(), now);
        read.add(target.toString());
        List<String> burning = new ArrayList<>();
        boolean any = c.requires() == Upstream.Requires.ANY && c.upstreams().size() > 1;
        String tolerated = "";
        if (!any || holdingUpstream.isEmpty()) {
            burning.addAll(burningUpstream);
        } else if (!burningUpstream.isEmpty()) {
            // one healthy upstream is enough when the environment takes from any of them
            tolerated = " (" + c.environment().name() + " requires any of its upstream environments, and "
                    + holdingUpstream.size() + " of " + c.upstreams().size() + " hold)";
        }
        if (target.burning()) {
            burning.add(target.toString());
        }
        String slo = "SLO " + SloPolicy.percent(policy.objective());
        if (burning.isEmpty()) {
            return GateResult.pass(NAME, "error budgets hold, " + slo + ": " + String.join("; ", read) + tolerated);
        }
        String everyUpstream = any && holdingUpstream.isEmpty() ? " (" + c.environment().name() + " requires any of"
                + " its upstream environments, and every one is burning)" : "";
        return GateResult.refuse(NAME, "burning its error budget too fast for a promotion, " + slo + ": "
                + String.join("; ", burning) + everyUpstream + ". Every window is at or over its threshold: wait"
                + " until the short window recovers, or find out why it fails");
    }
}
