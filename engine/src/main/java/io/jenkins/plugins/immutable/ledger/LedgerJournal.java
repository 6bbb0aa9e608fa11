package io.jenkins.plugins.immutable.ledger;

import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.ProgressListener;
import io.jenkins.plugins.immutable.deploy.DeploymentJournal;
import io.jenkins.plugins.immutable.deploy.DeploymentState;
import io.jenkins.plugins.immutable.deploy.DeploymentStateJson;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;

/**
 * The deployment state machine's journal kept in an environment's ledger, so that any process with registry access
 * (another Jenkins controller after a restart, a CLI on another machine) can resume a deployment a dead process left.
 * Each save is a ledger write (checked, serialised, retried on conflict); the revision rule of
 * {@link DeploymentJournal#save} is checked against the ledger's head inside that write.
 */
public final class LedgerJournal implements DeploymentJournal {

    private final Ledger ledger;
    private final LedgerLocation where;
    private final ProgressListener listener;
    private final Event intent;

    public LedgerJournal(Ledger ledger, LedgerLocation where, ProgressListener listener) {
        this(ledger, where, listener, null);
    }

    /**
     * @param intent what the deployments saved through this journal carry out, as the ledger will record it (see
     *               {@link DeploymentRecord#intent()}); null keeps the stored deployment's own (a resume)
     */
    public LedgerJournal(Ledger ledger, LedgerLocation where, ProgressListener listener, Event intent) {
        this.ledger = Objects.requireNonNull(ledger, "ledger");
        this.where = Objects.requireNonNull(where, "where");
        this.listener = listener == null ? ProgressListener.NONE : listener;
        this.intent = intent;
    }

    @Override
    public Optional<DeploymentState> load(String environment) {
        requireOwn(environment);
        return deployment(ledger.read(where), where);
    }

    /**
     * The deployment the record of a history read and checked already holds, as {@link #load} gives it: for a reader
     * that has the history in hand and need not read the ledger again.
     */
    public static Optional<DeploymentState> deployment(LedgerHistory history, LedgerLocation where) {
        return Optional.ofNullable(history.deployment()).map(record -> state(record, where));
    }

    @Override
    public void save(DeploymentState state) {
        requireOwn(state.environment());
        String json = new String(DeploymentStateJson.toJson(state), StandardCharsets.UTF_8);
        ledger.update(where, history -> {
            DeploymentState stored = history.deployment() == null ? null : state(history.deployment());
            long expected = stored == null ? 1 : stored.revision() + 1;
            if (state.revision() != expected) {
                throw EngineException.refused("the deployment journal in " + where + " moved on to revision "
                        + (expected - 1) + (stored == null ? "" : " (deployment " + stored.id() + ", owner "
                        + stored.owner() + ", " + stored.phase() + ")") + " while this process (deployment "
                        + state.id() + ", owner " + state.owner() + ") held revision " + (state.revision() - 1)
                        + ": another process took the environment over; leave it to that one, or resume from"
                        + " the ledger");
            }
            Event carried = intent != null ? intent
                    : stored != null && stored.id().equals(state.id()) ? history.deployment().intent() : null;
            return LedgerFormat.withDeployment(history, new DeploymentRecord(state.id(), json, state.updated(),
                    carried));
        }, listener);
    }

    private DeploymentState state(DeploymentRecord record) {
        return state(record, where);
    }

    private static DeploymentState state(DeploymentRecord record, LedgerLocation where) {
        return DeploymentStateJson.fromJson(record.state().getBytes(StandardCharsets.UTF_8), where.toString());
    }

    private void requireOwn(String environment) {
        if (!where.environment().equals(environment)) {
            throw new IllegalArgumentException("this journal keeps " + where.environment() + "'s deployments, not "
                    + environment + "'s");
        }
    }
}
