package io.jenkins.plugins.immutable.ledger;

import io.jenkins.plugins.immutable.EngineException;
import java.time.Instant;
import java.util.Objects;

/**
 * The state of the deployment under way in an environment, as the deployment state machine last saved it, so that a
 * process killed mid-way can resume from the ledger. The ledger keeps it beside the history (it is not an entry: it
 * is replaced at each step and removed when the deployment ends with an entry).
 *
 * @param id      the deployment's id, unique per deployment
 * @param state   the state machine's state, a JSON object the deploy package writes and reads
 * @param updated when it was last saved
 */
public record DeploymentRecord(String id, String state, Instant updated) {

    public DeploymentRecord {
        if (id == null || id.isBlank()) {
            throw EngineException.badInput("a deployment record needs the deployment's id");
        }
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(updated, "updated");
    }
}
