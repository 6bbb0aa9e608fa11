package io.jenkins.plugins.immutable.rescan;

import io.jenkins.plugins.immutable.image.Digest;
import io.jenkins.plugins.immutable.image.Repository;
import io.jenkins.plugins.immutable.ledger.Observed;
import java.util.List;
import java.util.Objects;

/**
 * What a re-scan found for one environment: whether its live digest still passes its policy, and which rollback
 * candidates no longer do (a rollback skips them).
 *
 * @param live       the live digest, null when nothing is live
 * @param withdrawn  rollback candidates whose re-scan fails the policy, newest first
 * @param message    one line for people: what is wrong and what to do, or that all is well
 * @param recorded   what became of the result in the environment's ledger (a {@code rescan} entry); null when the
 *                   run was not asked to record it
 */
public record EnvironmentRisk(String environment, Repository repository, Digest live, Status status,
        List<Digest> withdrawn, String message, Observed recorded) {

    /** How the environment's live digest stands after the re-scan. */
    public enum Status {
        /** The live digest passes its policy against today's database. */
        PASSING,
        /** The live digest fails its policy against today's database. */
        AT_RISK,
        /** The live digest could not be scanned (gone from the registry, unreadable): its risk is unknown. */
        UNKNOWN,
        /** Nothing is live in the environment. */
        NOTHING_LIVE
    }

    public EnvironmentRisk {
        Objects.requireNonNull(environment, "environment");
        Objects.requireNonNull(status, "status");
        withdrawn = List.copyOf(withdrawn);
    }

    /** This result, with what became of it in the ledger. */
    public EnvironmentRisk withRecorded(Observed newRecorded) {
        return new EnvironmentRisk(environment, repository, live, status, withdrawn, message, newRecorded);
    }

    public boolean atRisk() {
        return status == Status.AT_RISK;
    }
}
