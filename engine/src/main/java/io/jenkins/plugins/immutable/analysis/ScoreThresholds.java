package io.jenkins.plugins.immutable.analysis;

import io.jenkins.plugins.immutable.EngineException;

/**
 * The two thresholds that turn a score (0-100) into a verdict: at or above {@code pass} passes, at or above
 * {@code marginal} is marginal, below fails.
 */
public record ScoreThresholds(double pass, double marginal) {

    /** Spinnaker's defaults for a canary stage. */
    public static final ScoreThresholds DEFAULT = new ScoreThresholds(95, 75);

    public ScoreThresholds {
        if (!(marginal >= 0 && marginal <= pass && pass <= 100)) {
            throw EngineException.badInput("score thresholds need 0 <= marginal <= pass <= 100, not pass " + pass
                    + " and marginal " + marginal);
        }
    }

    public Verdict verdict(double score) {
        if (score >= pass) {
            return Verdict.PASS;
        }
        return score >= marginal ? Verdict.MARGINAL : Verdict.FAIL;
    }
}
