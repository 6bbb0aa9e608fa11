package io.jenkins.plugins.immutable.promote;

import io.jenkins.plugins.immutable.freeze.FreezeState;
import io.jenkins.plugins.immutable.freeze.PromotionWindows;
import io.jenkins.plugins.immutable.freeze.WindowState;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Refuses promotions into an environment that is frozen (its ledger says so) or outside its promotion windows, naming
 * the freeze (who, since when, why) or the window and when it next opens. A promotion that gives an override reason
 * passes; the result says what was overridden, and the promoter records the change as forced with that reason.
 * Rollbacks never meet this gate.
 */
public final class FreezeGate implements Gate {

    public static final String NAME = "freeze";

    /** How a passing result that overrode a freeze or closed window begins. */
    static final String OVERRIDDEN = "OVERRIDDEN";

    private final PromotionWindows windows;
    private final Clock clock;
    private final String override;

    /**
     * @param windows  the environment's promotion windows, or null when it has none
     * @param override the reason to promote anyway, or null
     */
    public FreezeGate(PromotionWindows windows, Clock clock, String override) {
        this.windows = windows;
        this.clock = Objects.requireNonNull(clock, "clock");
        this.override = override;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public GateResult check(GateContext c) {
        String env = c.environment().name();
        FreezeState freeze = FreezeState.of(c.history());
        WindowState window = windows == null ? null : windows.at(clock.instant());
        List<String> closed = new ArrayList<>();
        if (freeze.frozen()) {
            closed.add(freeze.describe());
        }
        if (window != null && !window.open()) {
            closed.add(env + " takes promotions only in its windows, and now is " + window.why()
                    + (window.nextOpen() == null ? "; it does not open in the next 14 days"
                    : "; it next opens at " + window.nextOpen() + " (" + window.nextOpen().atZone(windows.zone())
                    .toLocalDateTime() + " " + windows.zone() + ")"));
        }
        if (closed.isEmpty()) {
            return GateResult.pass(NAME, env + " is not frozen" + (window == null ? "" : "; " + window.why()));
        }
        if (override != null) {
            return GateResult.pass(NAME, OVERRIDDEN + " by " + c.actor() + ": " + override + " (" + String.join("; ",
                    closed) + ")");
        }
        return GateResult.refuse(NAME, String.join("; ", closed) + ". Promote "
                + (freeze.frozen() ? "after it is unfrozen (immutable unfreeze " + env + " --reason ...)"
                : "when the window opens")
                + ", or override with a reason, which the ledger records (--override-freeze REASON); rollbacks stay"
                + " allowed");
    }

    /** True when {@code result} is this gate's pass by override: the change is then recorded as forced. */
    static boolean overridden(GateResult result) {
        return NAME.equals(result.gate()) && result.passed() && result.message().startsWith(OVERRIDDEN);
    }
}
