package io.jenkins.plugins.immutable.freeze;

import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.ProgressListener;
import io.jenkins.plugins.immutable.ledger.Event;
import io.jenkins.plugins.immutable.ledger.Ledger;
import io.jenkins.plugins.immutable.ledger.LedgerHistory;
import io.jenkins.plugins.immutable.ledger.LedgerLocation;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * Freezes and unfreezes environments. A freeze is an entry in the environment's ledger (who, when, why, from which
 * run), so it is seen by every Jenkins controller and command line that reads the ledger, and its history is kept and
 * chained like the promotions'. While an environment is frozen its freeze gate refuses promotions into it, unless a
 * promotion overrides the freeze with a reason; rollbacks stay allowed.
 */
public final class Freezes {

    private final Ledger ledger;
    private final Function<String, LedgerLocation> locations;
    private final ProgressListener listener;

    /**
     * @param locations where each environment's ledger is, by environment name (BAD_INPUT for an unknown name)
     */
    public Freezes(Ledger ledger, Function<String, LedgerLocation> locations, ProgressListener listener) {
        this.ledger = Objects.requireNonNull(ledger, "ledger");
        this.locations = Objects.requireNonNull(locations, "locations");
        this.listener = listener == null ? ProgressListener.NONE : listener;
    }

    /**
     * Freezes the environment: promotions into it are refused until it is unfrozen. Freezing a frozen environment
     * records nothing and returns the freeze in force.
     *
     * @param actor  who freezes it (a user id, a job)
     * @param run    the run it comes from (a Jenkins run URL, a CLI invocation), or null
     * @param reason why, shown to everyone whose promotion is refused; required
     */
    public FreezeChange freeze(String environment, String actor, String run, String reason) {
        Event event = Event.freeze(actor, requireReason(reason, "freeze " + environment)).withRun(run);
        return change(environment, event, true);
    }

    /** Lifts the environment's freeze; unfreezing an environment that is not frozen records nothing. */
    public FreezeChange unfreeze(String environment, String actor, String run, String reason) {
        Event event = Event.unfreeze(actor, requireReason(reason, "unfreeze " + environment)).withRun(run);
        return change(environment, event, false);
    }

    /** The environment's freeze state, from its checked ledger. */
    public FreezeState state(String environment) {
        return FreezeState.of(ledger.read(locations.apply(environment)));
    }

    private FreezeChange change(String environment, Event event, boolean freeze) {
        LedgerLocation where = locations.apply(environment);
        // decided on the head the write is built on, again on each retry: the last decision is the one that holds
        AtomicBoolean recorded = new AtomicBoolean();
        LedgerHistory after = ledger.recordIf(where, h -> {
            recorded.set(FreezeState.of(h).frozen() != freeze);
            return recorded.get();
        }, event, listener);
        FreezeChange change = new FreezeChange(FreezeState.of(after), recorded.get());
        listener.line(change.message());
        return change;
    }

    private static String requireReason(String reason, String what) {
        if (reason == null || reason.isBlank()) {
            throw EngineException.badInput("to " + what + ", give a reason (--reason in the CLI); it is recorded in"
                    + " the ledger with who and when, and shown to whoever is refused a promotion");
        }
        return reason.strip();
    }
}
