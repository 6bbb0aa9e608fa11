package io.jenkins.plugins.immutable.promote;

import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.analysis.InconclusivePolicy;
import io.jenkins.plugins.immutable.deploy.CanaryAnalysis;
import io.jenkins.plugins.immutable.deploy.CanaryDecision;
import io.jenkins.plugins.immutable.deploy.CanaryStep;
import java.time.Clock;
import java.util.Objects;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The error-budget gate again between a canary's steps: after the canary analysis lets a step go on (or hold), the
 * target environment's burn rate is read as the gate reads it before the promotion, and a burning environment rolls
 * the canary back with the numbers. The analysis compares the canary with its baseline; this looks at what all of
 * the environment's users see, so a canary that drags the whole environment past its budget stops even when it looks
 * no worse than the baseline.
 *
 * <p>A budget that cannot be read (Prometheus down, the query failing) says nothing about the canary: the
 * environment's inconclusive policy decides, as for the analysis' own source errors. {@code hold} holds the step and
 * reads again after its pause, {@link #UNREAD_HOLDS} times at most, then rolls back; {@code rollback} rolls back at
 * once.
 */
public final class ErrorBudgetGuard implements CanaryAnalysis {

    /** Holds in a row with the budget unread before the canary is rolled back. */
    public static final int UNREAD_HOLDS = 3;

    private static final Logger LOGGER = Logger.getLogger(ErrorBudgetGuard.class.getName());

    private final CanaryAnalysis analysis;
    private final Function<String, SloPolicy> policyOf;
    private final Function<String, InconclusivePolicy> inconclusiveOf;
    private final Clock clock;

    /**
     * @param analysis       the canary analysis that judges each step first
     * @param policyOf       an environment's error-budget policy when it checks its budget between canary steps,
     *                       else null
     * @param inconclusiveOf an environment's policy when its budget cannot be read
     */
    public ErrorBudgetGuard(CanaryAnalysis analysis, Function<String, SloPolicy> policyOf,
            Function<String, InconclusivePolicy> inconclusiveOf, Clock clock) {
        this.analysis = Objects.requireNonNull(analysis, "analysis");
        this.policyOf = Objects.requireNonNull(policyOf, "policyOf");
        this.inconclusiveOf = Objects.requireNonNull(inconclusiveOf, "inconclusiveOf");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public CanaryDecision judge(CanaryStep step) throws InterruptedException {
        CanaryDecision judged = analysis.judge(step);
        SloPolicy policy = policyOf.apply(step.environment());
        if (policy == null || judged.action() == CanaryDecision.Action.ROLL_BACK) {
            return judged;
        }
        String slo = "SLO " + SloPolicy.percent(policy.objective());
        SloPolicy.Burn burn;
        try {
            burn = policy.burn(step.environment(), clock.instant());
        } catch (EngineException e) {
            return unread(step, judged, e);
        }
        if (burn.burning()) {
            LOGGER.log(Level.INFO, "{0} burns its error budget at canary {1}%: {2}",
                    new Object[] {step.environment(), step.weight(), burn});
            return CanaryDecision.rollBack("error budget: burning too fast at " + step.weight() + "%, " + slo + ": "
                    + burn + ", every window at or over its threshold (the analysis had said: " + judged.reason()
                    + ")");
        }
        return new CanaryDecision(judged.action(), join(judged.reason(), "error budget holds, " + slo + ": " + burn));
    }

    private CanaryDecision unread(CanaryStep step, CanaryDecision judged, EngineException e) {
        LOGGER.log(Level.WARNING, "cannot read the error budget of " + step.environment() + " at canary "
                + step.weight() + "%", e);
        String why = "the error budget could not be read (" + e.getMessage() + ")";
        if (inconclusiveOf.apply(step.environment()) == InconclusivePolicy.ROLL_BACK) {
            return CanaryDecision.rollBack(why + "; the environment's policy on an inconclusive judgement is rollback");
        }
        if (step.holds() >= UNREAD_HOLDS) {
            return CanaryDecision.rollBack(why + " after " + UNREAD_HOLDS + " holds at this weight; rolled back rather than"
                    + " going on blind");
        }
        return CanaryDecision.hold(join(judged.reason(), why + "; held at " + step.weight() + "% and read again after"
                + " the pause (at most " + UNREAD_HOLDS + " times)"));
    }

    private static String join(String first, String second) {
        return first.isEmpty() ? second : first + "; " + second;
    }
}
