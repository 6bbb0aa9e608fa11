package io.jenkins.plugins.immutable.analysis;

import java.time.Instant;
import java.util.List;

/**
 * The judge's verdict on one interval.
 *
 * @param start        the interval's start (inclusive)
 * @param end          the interval's end
 * @param canaryWeight the canary's share of traffic (percent) while the points were gathered; null when unknown
 * @param score        0 to 100, two decimals
 * @param verdict      the score against the thresholds
 * @param reason       why the score is what it is, in one sentence
 * @param groups       the group scores
 * @param metrics      the metrics' findings, in the template's order
 * @param decision     what a person decided on a marginal (or inconclusive) verdict; null when nobody was asked
 * @param errors       the metric source's errors on the way to this judgement, oldest first: the attempts retried
 *                     before the points came, or, on an {@link Verdict#INCONCLUSIVE} one, every attempt that failed
 */
public record Judgement(Instant start, Instant end, Integer canaryWeight, double score, Verdict verdict, String reason,
                        List<GroupScore> groups, List<MetricResult> metrics, Decision decision,
                        List<SourceError> errors) {

    public Judgement {
        groups = List.copyOf(groups);
        metrics = List.copyOf(metrics);
        errors = errors == null ? List.of() : List.copyOf(errors);
    }

    /** A judgement without source errors. */
    public Judgement(Instant start, Instant end, Integer canaryWeight, double score, Verdict verdict, String reason,
                     List<GroupScore> groups, List<MetricResult> metrics, Decision decision) {
        this(start, end, canaryWeight, score, verdict, reason, groups, metrics, decision, List.of());
    }

    /**
     * No judgement could be made: the source errored {@code errors.size()} times in a row. Its score is NaN (there is
     * none); {@code reason} says why.
     */
    public static Judgement inconclusive(Instant start, Instant end, String reason, List<SourceError> errors) {
        if (errors.isEmpty()) {
            throw new IllegalArgumentException("an inconclusive judgement names the errors that made it so");
        }
        return new Judgement(start, end, null, Double.NaN, Verdict.INCONCLUSIVE, reason, List.of(), List.of(), null,
                errors);
    }

    /** This judgement with a person's decision on it. */
    public Judgement withDecision(Decision newDecision) {
        return new Judgement(start, end, canaryWeight, score, verdict, reason, groups, metrics, newDecision, errors);
    }

    /** This judgement, stamped with the canary's traffic share. */
    public Judgement atWeight(int weight) {
        return new Judgement(start, end, weight, score, verdict, reason, groups, metrics, decision, errors);
    }

    /** This judgement with the source errors that preceded it. */
    public Judgement withErrors(List<SourceError> newErrors) {
        return new Judgement(start, end, canaryWeight, score, verdict, reason, groups, metrics, decision, newErrors);
    }
}
