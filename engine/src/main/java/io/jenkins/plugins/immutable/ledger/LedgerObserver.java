package io.jenkins.plugins.immutable.ledger;

import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.ProgressListener;
import java.util.Objects;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Records what checks find (re-scans, drift checks) in the environments' ledgers, as one actor from one run, each when
 * it changed ({@link Ledger#observe}). A ledger that cannot be written (a signed one on a machine without its private
 * key, an outage) is said in the result, never thrown: the check's own result stands without its record.
 *
 * @param actor who runs the checks: a user, a job, a scheduled task
 * @param run   the run they come from (a Jenkins run URL, a CLI invocation), or null
 */
public record LedgerObserver(Ledger ledger, String actor, String run, ProgressListener listener) {

    private static final Logger LOG = Logger.getLogger(LedgerObserver.class.getName());

    public LedgerObserver {
        Objects.requireNonNull(ledger, "ledger");
        if (actor == null || actor.isBlank()) {
            throw EngineException.badInput("a check recorded in the ledgers needs an actor: the user or job that runs"
                    + " it");
        }
        listener = listener == null ? ProgressListener.NONE : listener;
    }

    /** Records what the check found in the ledger at {@code where} when it changed; says what became of it. */
    public Observed record(LedgerLocation where, Observation found) {
        try {
            return ledger.observe(where, Event.observed(found, actor).withRun(run), Observed.RECONFIRM_AFTER,
                    listener);
        } catch (EngineException e) {
            LOG.log(Level.WARNING, "{0} of {1} not recorded in its ledger: {2}",
                    new Object[] {found.action(), where.environment(), e.getMessage()});
            Observed failed = Observed.failed(where.environment(), e.getMessage());
            listener.line(failed.message());
            return failed;
        }
    }
}
