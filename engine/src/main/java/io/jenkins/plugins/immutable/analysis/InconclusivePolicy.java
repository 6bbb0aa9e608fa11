package io.jenkins.plugins.immutable.analysis;

import io.jenkins.plugins.immutable.EngineException;
import java.util.Locale;

/**
 * What an environment does when its canary analysis is Inconclusive (the metric source kept erroring past the
 * template's consecutive error limit, so nothing is known about the canary).
 */
public enum InconclusivePolicy {
    /**
     * Hold the canary at its weight and ask for a decision, as on a Marginal verdict ({@link MarginalHook}); without
     * one by the deadline it is rolled back.
     */
    HOLD("hold"),
    /** Roll the canary back at once, as Argo Rollouts does on an analysis in Error. */
    ROLL_BACK("rollback");

    private final String label;

    InconclusivePolicy(String label) {
        this.label = label;
    }

    /** The form written in the configuration. */
    public String label() {
        return label;
    }

    /** {@code hold} or {@code rollback} (also {@code roll-back}, {@code roll_back}), any case. */
    public static InconclusivePolicy parse(String text) {
        String t = text == null ? "" : text.strip().toLowerCase(Locale.ROOT).replace("-", "").replace("_", "");
        for (InconclusivePolicy p : values()) {
            if (p.label.equals(t)) {
                return p;
            }
        }
        throw EngineException.badInput("onInconclusive '" + text + "' is not a policy: write hold (wait for a"
                + " decision, as on a Marginal verdict) or rollback");
    }

    @Override
    public String toString() {
        return label;
    }
}
