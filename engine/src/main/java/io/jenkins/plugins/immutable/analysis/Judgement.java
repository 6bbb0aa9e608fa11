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
 * @param decision     what a person decided on a marginal verdict; null when nobody was asked
 */
public record Judgement(Instant start, Instant end, Integer canaryWeight, double score, Verdict verdict, String reason,
                        List<GroupScore> groups, List<MetricResult> metrics, Decision decision) {

    public Judgement {
        groups = List.copyOf(groups);
        metrics = List.copyOf(metrics);
    }

    /** This judgement with a person's decision on it. */
    public Judgement withDecision(Decision newDecision) {
        return new Judgement(start, end, canaryWeight, score, verdict, reason, groups, metrics, newDecision);
    }

    /** This judgement, stamped with the canary's traffic share. */
    public Judgement atWeight(int weight) {
        return new Judgement(start, end, weight, score, verdict, reason, groups, metrics, decision);
    }
}
