package io.jenkins.plugins.immutable.promote;

import io.jenkins.plugins.immutable.deploy.DriftReport;
import io.jenkins.plugins.immutable.ledger.Observed;

/**
 * One environment's drift check: what differed from its ledger, and what became of the finding in the ledger.
 *
 * @param environment the environment checked
 * @param report      what differs; null when nothing is live (there is nothing to compare with)
 * @param recorded    what became of the finding in the environment's ledger (a {@code drift} entry); null when the
 *                    check was not asked to record it, or nothing is live
 */
public record DriftCheck(String environment, DriftReport report, Observed recorded) {

    /** True when what runs is what the ledger says is live, or nothing is live. */
    public boolean clean() {
        return report == null || report.isClean();
    }

    /** What was found, in lines: the report's summary, or that nothing is live. */
    public String summary() {
        return report == null ? environment + ": nothing is live according to the ledger; nothing to compare"
                : report.summary();
    }
}
