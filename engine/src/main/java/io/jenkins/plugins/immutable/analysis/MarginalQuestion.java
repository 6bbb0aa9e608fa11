package io.jenkins.plugins.immutable.analysis;

import java.time.Instant;

/**
 * A marginal (or inconclusive, under the {@link InconclusivePolicy#HOLD} policy) verdict waiting for a person: the
 * canary holds at its weight until someone decides, or until the deadline, when it is rolled back.
 *
 * @param environment  the environment
 * @param deploymentId the deployment (stable across a resume)
 * @param step         the weight step (0-based)
 * @param weight       the canary's share of traffic, percent
 * @param report       the analysis so far; its last judgement is the marginal (or inconclusive) one
 * @param deadline     when the canary is rolled back if nobody decided
 */
public record MarginalQuestion(String environment, String deploymentId, int step, int weight, CanaryReport report,
                               Instant deadline) {

    /** One line for a prompt or an input step's message. */
    public String prompt() {
        Judgement j = report.last();
        String what = j.verdict() == Verdict.INCONCLUSIVE ? "Inconclusive (" + j.reason() + ")"
                : "Marginal (score " + CanaryJudge.fmt(j.score()) + "; " + j.reason() + ")";
        return "Canary analysis of " + environment + " at " + weight + "% is " + what + ". Proceed, or roll back?"
                + " Without a decision by " + deadline + " it rolls back.";
    }
}
