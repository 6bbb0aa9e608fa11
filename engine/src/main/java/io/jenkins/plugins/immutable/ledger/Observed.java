package io.jenkins.plugins.immutable.ledger;

import java.time.Duration;

/**
 * What {@link Ledger#observe} did with an observation.
 *
 * @param result  recorded, left out because the last recorded one says the same, left out because what was live
 *                changed while the check ran, or not written because the ledger could not be
 * @param entry   the entry written ({@code RECORDED}), or the earlier one that still stands ({@code UNCHANGED}); null
 *                otherwise
 * @param message one line for people
 */
public record Observed(Result result, LedgerEntry entry, String message) {

    /** What became of the observation. */
    public enum Result {
        /** Written as a new entry. */
        RECORDED,
        /** Not written: the environment's last observation of this kind found the same, recently enough. */
        UNCHANGED,
        /** Not written: the live digest the check was made against is no longer live; the next check will be. */
        STALE,
        /** Not written: the ledger could not be (no ledger key here to sign it, the registry refused); see the message. */
        FAILED
    }

    /** How long an unchanged finding goes unrecorded before it is recorded again, by default: a week. */
    public static final Duration RECONFIRM_AFTER = Duration.ofDays(7);

    /** The ledger of {@code environment} could not be written: {@code why}. */
    public static Observed failed(String environment, String why) {
        return new Observed(Result.FAILED, null, "not recorded in the ledger of " + environment + ": " + why);
    }

    public boolean written() {
        return result == Result.RECORDED;
    }
}
