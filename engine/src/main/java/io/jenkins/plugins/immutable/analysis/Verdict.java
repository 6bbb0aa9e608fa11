package io.jenkins.plugins.immutable.analysis;

/** The judge's verdict on a canary, from a score against two thresholds, or none when no score could be had. */
public enum Verdict {
    /** Below the marginal threshold: roll back. */
    FAIL,
    /**
     * No score: the metric source kept erroring (past the template's consecutive error limit), so nothing is known
     * about the canary. The environment's {@link InconclusivePolicy} decides: hold for a decision, or roll back.
     */
    INCONCLUSIVE,
    /** Between the thresholds: hold for a person's decision. */
    MARGINAL,
    /** At or above the pass threshold. */
    PASS;

    /** Whether this verdict is at least as good as {@code other} (Inconclusive reaches only Fail). */
    public boolean reaches(Verdict other) {
        return compareTo(other) >= 0;
    }
}
