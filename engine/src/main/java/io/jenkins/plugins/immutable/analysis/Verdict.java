package io.jenkins.plugins.immutable.analysis;

/** The judge's verdict on a canary, from a score against two thresholds. */
public enum Verdict {
    /** Below the marginal threshold: roll back. */
    FAIL,
    /** Between the thresholds: hold for a person's decision. */
    MARGINAL,
    /** At or above the pass threshold. */
    PASS;

    /** Whether this verdict is at least as good as {@code other}. */
    public boolean reaches(Verdict other) {
        return compareTo(other) >= 0;
    }
}
