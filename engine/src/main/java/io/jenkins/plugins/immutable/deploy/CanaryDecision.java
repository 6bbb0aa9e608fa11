package io.jenkins.plugins.immutable.deploy;

import java.util.Objects;

/**
 * What the canary analysis decided about one step.
 *
 * @param action what the deployment does next
 * @param reason why, in a sentence people read in the log and the journal (e.g. the verdict and score)
 */
public record CanaryDecision(Action action, String reason) {

    /** What the deployment does after a judged step. */
    public enum Action {
        /** Go on to the next weight step (or promote after the last). */
        CONTINUE,
        /** Stay at this weight; the analysis is asked again after another pause ({@link CanaryStep#holds()} grows). */
        HOLD,
        /** Return all traffic to the live version and remove the canary and the baseline. */
        ROLL_BACK
    }

    public CanaryDecision {
        Objects.requireNonNull(action, "action");
        reason = reason == null ? "" : reason;
    }

    public static CanaryDecision proceed(String reason) {
        return new CanaryDecision(Action.CONTINUE, reason);
    }

    public static CanaryDecision hold(String reason) {
        return new CanaryDecision(Action.HOLD, reason);
    }

    public static CanaryDecision rollBack(String reason) {
        return new CanaryDecision(Action.ROLL_BACK, reason);
    }
}
