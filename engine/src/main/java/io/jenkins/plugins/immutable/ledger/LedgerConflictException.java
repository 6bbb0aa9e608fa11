package io.jenkins.plugins.immutable.ledger;

import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.image.Digest;

/**
 * Another writer changed an environment's ledger while this one was writing it: this write was not applied. The
 * {@link Ledger} retries the change from the new head; callers see this only when every attempt conflicted.
 */
public final class LedgerConflictException extends EngineException {

    private static final long serialVersionUID = 1L;

    private final Digest found;

    private LedgerConflictException(String message, Digest found) {
        super(Kind.OUTAGE, message);
        this.found = found;
    }

    /** The ledger moved on between reading it and tagging the new version. */
    static LedgerConflictException movedBefore(LedgerLocation where, Digest read, Digest found) {
        return new LedgerConflictException("conflicting write to the ledger " + where + ": another writer moved it"
                + " from " + shortOrNothing(read) + " to " + shortOrNothing(found) + " before this write was tagged,"
                + " so this write was not applied", found);
    }

    /** Another writer tagged its version over this one, which it had not read. */
    static LedgerConflictException overwritten(LedgerLocation where, Digest written, Digest found) {
        return new LedgerConflictException("conflicting write to the ledger " + where + ": this write ("
                + written.shortForm() + ") was overwritten by another writer's " + shortOrNothing(found)
                + ", which was not built on it, so this write was lost", found);
    }

    /** The head found instead of the expected one. */
    public Digest found() {
        return found;
    }

    private static String shortOrNothing(Digest d) {
        return d == null ? "nothing" : d.shortForm();
    }
}
