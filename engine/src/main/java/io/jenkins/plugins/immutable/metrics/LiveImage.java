package io.jenkins.plugins.immutable.metrics;

import io.jenkins.plugins.immutable.image.Digest;
import io.jenkins.plugins.immutable.ledger.Action;
import java.time.Instant;

/**
 * The digest live in an environment, as its ledger says, with what its attestations show now.
 *
 * @param environment     the environment
 * @param repository      the environment's repository
 * @param digest          the live digest
 * @param since           when the ledger recorded it going live
 * @param sequence        the ledger entry that made it live
 * @param action          how: a promotion or a rollback
 * @param actor           who asked for it
 * @param run             the run it came from, or null
 * @param provenance      its verified SLSA provenance, or null when none is verified (or none was checked: see
 *                        {@link DeliveryMetrics#attestationsChecked()})
 * @param vulnerabilities its newest verified scan, or null when it has none
 */
public record LiveImage(String environment, String repository, Digest digest, Instant since, int sequence,
        Action action, String actor, String run, BuildFacts provenance, Vulnerabilities vulnerabilities) {

    /** The reference to pull it by: {@code repository@digest}. */
    public String reference() {
        return repository + "@" + digest;
    }
}
