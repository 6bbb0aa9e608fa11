package io.jenkins.plugins.immutable.promote;

import io.jenkins.plugins.immutable.ProgressListener;
import io.jenkins.plugins.immutable.deploy.DeploymentState;
import io.jenkins.plugins.immutable.deploy.DeploymentTarget;
import io.jenkins.plugins.immutable.deploy.Drift;
import io.jenkins.plugins.immutable.deploy.DriftReport;
import io.jenkins.plugins.immutable.deploy.TrafficRouter;
import io.jenkins.plugins.immutable.ledger.DriftRecord;
import io.jenkins.plugins.immutable.ledger.Ledger;
import io.jenkins.plugins.immutable.ledger.LedgerHistory;
import io.jenkins.plugins.immutable.ledger.LedgerJournal;
import io.jenkins.plugins.immutable.ledger.LedgerLocation;
import io.jenkins.plugins.immutable.ledger.LedgerObserver;
import java.util.Objects;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Drift checks as the command line and the Environments page run them: what runs in an environment compared with
 * what its ledger says is live ({@link Drift}), and the finding recorded in the ledger as a {@code drift} entry, so
 * that drift incidents can be counted afterwards (M4, docs/metrics.md). A finding is recorded when it differs from
 * the environment's last recorded drift check (clean or not, and which subjects differ in which way), or when that one
 * is older than a week; repeating the same check does not grow the ledger ({@link Ledger#observe}). The entry changes
 * nothing the environment may do.
 */
public final class DriftChecks {

    private static final Logger LOG = Logger.getLogger(DriftChecks.class.getName());

    private final Ledger ledger;
    private final ProgressListener listener;
    /** Records each finding in the environment's ledger; null: findings are not recorded. */
    private final LedgerObserver observer;

    /** Drift checks that record nothing until {@link #recordingAs} says who runs them. */
    public DriftChecks(Ledger ledger, ProgressListener listener) {
        this(ledger, listener, null);
    }

    private DriftChecks(Ledger ledger, ProgressListener listener, LedgerObserver observer) {
        this.ledger = Objects.requireNonNull(ledger, "ledger");
        this.listener = listener == null ? ProgressListener.NONE : listener;
        this.observer = observer;
    }

    /** Checks that record their findings as made by {@code actor} (a user, a job) from {@code run} (may be null). */
    public DriftChecks recordingAs(String actor, String run) {
        return new DriftChecks(ledger, listener, new LedgerObserver(ledger, actor, run, listener));
    }

    /**
     * Checks the environment whose ledger is {@code where}, running on {@code target} behind {@code router} with
     * {@code replicas} instances (0 leaves the count unchecked), and records the finding when asked to. A ledger that
     * cannot be written (no ledger key on this machine, an outage) leaves the check's result as it is and says why in
     * {@link DriftCheck#recorded()}.
     */
    public DriftCheck check(LedgerLocation where, DeploymentTarget target, TrafficRouter router, int replicas) {
        String env = where.environment();
        LedgerHistory history = ledger.read(where);
        if (history.live().isEmpty()) {
            return new DriftCheck(env, null, null);
        }
        DeploymentState state = LedgerJournal.deployment(history, where).orElse(null);
        DriftReport report = Drift.check(target, router, env, history.live().get(), replicas, state);
        LOG.log(report.isClean() ? Level.FINE : Level.WARNING, "{0}", report.summary());
        if (observer == null) {
            return new DriftCheck(env, report, null);
        }
        return new DriftCheck(env, report, observer.record(where, new DriftRecord(report.expected(), report
                .differences().stream().map(d -> new DriftRecord.Difference(d.kind().name(), d.subject(), d.detail()))
                .toList())));
    }
}
