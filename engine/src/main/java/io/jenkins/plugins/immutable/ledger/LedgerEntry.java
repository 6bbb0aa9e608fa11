package io.jenkins.plugins.immutable.ledger;

import io.jenkins.plugins.immutable.image.Digest;
import java.time.Instant;
import java.util.Objects;

/**
 * One entry of an environment's history, as the ledger stores it: the {@link Event} plus what the ledger adds.
 *
 * @param sequence       1 for the first entry of the environment, then one more for each entry
 * @param event          what happened
 * @param previousDigest the digest that was live when this entry was written, or null when none was
 * @param time           when the ledger recorded it (millisecond precision)
 * @param previousLedger the digest of the ledger version this entry was appended to, or null for the first
 * @param previousHash   the previous entry's {@link #hash}, or null for the first
 * @param hash           sha256 of this entry's canonical JSON without the hash itself (see {@link LedgerFormat})
 */
public record LedgerEntry(int sequence, Event event, Digest previousDigest, Instant time, Digest previousLedger,
        Digest previousHash, Digest hash) {

    public LedgerEntry {
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(hash, "hash");
    }

    public Action action() {
        return event.action();
    }

    /** The digest deployed (or whose deployment failed); null for a freeze or an unfreeze. */
    public Digest digest() {
        return event.digest();
    }

    public Outcome outcome() {
        return event.outcome();
    }

    public String actor() {
        return event.actor();
    }

    public String run() {
        return event.run();
    }

    public String reason() {
        return event.reason();
    }

    public boolean forced() {
        return event.forced();
    }

    /** What the check found, for an observation entry ({@link Action#isObservation()}); null otherwise. */
    public Observation observation() {
        return event.observation();
    }

    /**
     * One line for logs: {@code #3 promote sha256:1234abcd5678 deployed by alice at 2026-...},
     * {@code #4 freeze by bob at 2026-...: incident 42}, or {@code #5 drift by carol at 2026-...: clean: runs ...}.
     */
    public String summary() {
        if (event.observation() != null) {
            return "#" + sequence + " " + event.action() + " by " + event.actor() + " at " + time + ": "
                    + event.observation().summary();
        }
        if (!event.action().changesDigest()) {
            return "#" + sequence + " " + event.action() + " by " + event.actor() + " at " + time + ": "
                    + event.reason();
        }
        return "#" + sequence + " " + event.action() + " " + event.digest().shortForm() + " " + event.outcome()
                + " by " + event.actor() + " at " + time + (event.forced() ? " (forced: " + event.reason() + ")" : "");
    }
}
