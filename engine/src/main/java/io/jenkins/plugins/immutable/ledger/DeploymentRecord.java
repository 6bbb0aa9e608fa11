package io.jenkins.plugins.immutable.ledger;

import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.image.Digest;
import java.time.Instant;
import java.util.Objects;

/**
 * The state of the deployment under way in an environment, as the deployment state machine last saved it, so that a
 * process killed mid-way can resume from the ledger. The ledger keeps it beside the history (it is not an entry: it
 * is replaced at each step and stays after the deployment ends with an entry).
 *
 * <p>The record is hashed like an entry, and the hash of the entry it was written after is part of it, so a record
 * edited by hand, or copied from another ledger or time, is reported; a write either appends an entry or changes the
 * record, never both. Someone with push rights can still write a consistent record: a process that resumes one runs
 * the environment's gates again before it acts on it.
 *
 * @param id      the deployment's id, unique per deployment
 * @param state   the state machine's state, a JSON object the deploy package writes and reads
 * @param updated when it was last saved
 * @param intent  what the deployment carries out, as the ledger will record it when it ends (the promotion or
 *                rollback, who asked, from where, which gates passed); null when not known (an older record)
 * @param after   the hash of the history's last entry when the record was written, null when it had none or the
 *                record is not written yet
 * @param hash    sha256 of the record's canonical JSON without the hash; null when not written yet (or written by
 *                an older version of this tool)
 */
public record DeploymentRecord(String id, String state, Instant updated, Event intent, Digest after, Digest hash) {

    public DeploymentRecord {
        if (id == null || id.isBlank()) {
            throw EngineException.badInput("a deployment record needs the deployment's id");
        }
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(updated, "updated");
    }

    public DeploymentRecord(String id, String state, Instant updated) {
        this(id, state, updated, null, null, null);
    }

    /** A new record, to be written: the ledger adds {@code after} and the hash. */
    public DeploymentRecord(String id, String state, Instant updated, Event intent) {
        this(id, state, updated, intent, null, null);
    }
}
