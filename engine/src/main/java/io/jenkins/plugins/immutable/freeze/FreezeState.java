package io.jenkins.plugins.immutable.freeze;

import io.jenkins.plugins.immutable.ledger.LedgerEntry;
import io.jenkins.plugins.immutable.ledger.LedgerHistory;
import java.time.Instant;
import java.util.Objects;

/**
 * Whether an environment is frozen, as its ledger says, and if so by whom, since when and why.
 *
 * @param environment the environment's name
 * @param frozen      true while a freeze is in force
 * @param by          who froze it; null when not frozen
 * @param since       when the freeze was recorded; null when not frozen
 * @param reason      why it was frozen; null when not frozen
 * @param run         the run that froze it (a Jenkins run URL, a CLI invocation), or null
 * @param entry       the sequence number of the freeze's ledger entry; 0 when not frozen
 */
public record FreezeState(String environment, boolean frozen, String by, Instant since, String reason, String run,
        int entry) {

    public FreezeState {
        Objects.requireNonNull(environment, "environment");
        if (frozen) {
            Objects.requireNonNull(by, "by");
            Objects.requireNonNull(since, "since");
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** The state the history leaves: frozen by its last freeze entry unless an unfreeze came after it. */
    public static FreezeState of(LedgerHistory history) {
        return history.activeFreeze().map(e -> frozen(history.environment(), e))
                .orElseGet(() -> new FreezeState(history.environment(), false, null, null, null, null, 0));
    }

    private static FreezeState frozen(String environment, LedgerEntry e) {
        return new FreezeState(environment, true, e.actor(), e.time(), e.reason(), e.run(), e.sequence());
    }

    /** {@code prod is frozen since 2026-11-02T10:15:30Z by bob (ledger entry #4): incident 4711}. */
    public String describe() {
        return frozen ? environment + " is frozen since " + since + " by " + by + " (ledger entry #" + entry + "): "
                + reason : environment + " is not frozen";
    }
}
