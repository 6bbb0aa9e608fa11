package io.jenkins.plugins.immutable.steps;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.EnvVars;
import hudson.init.Terminator;
import hudson.model.Result;
import hudson.model.Run;
import hudson.model.TaskListener;
import hudson.util.DaemonThreadFactory;
import hudson.util.NamingThreadFactory;
import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.ProgressListener;
import io.jenkins.plugins.immutable.actions.PromotionAction;
import io.jenkins.plugins.immutable.config.DeliveryConfig;
import io.jenkins.plugins.immutable.config.JenkinsCredentials;
import io.jenkins.plugins.immutable.config.Wiring;
import io.jenkins.plugins.immutable.image.Repository;
import io.jenkins.plugins.immutable.ledger.Action;
import io.jenkins.plugins.immutable.ledger.LedgerEntry;
import io.jenkins.plugins.immutable.ledger.LedgerHistory;
import io.jenkins.plugins.immutable.ledger.Outcome;
import io.jenkins.plugins.immutable.promote.PromotionRefusedException;
import io.jenkins.plugins.immutable.promote.PromotionResult;
import io.jenkins.plugins.immutable.promote.Promoter;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.logging.Level;
import java.util.logging.Logger;
import jenkins.model.CauseOfInterruption;
import org.jenkinsci.plugins.workflow.actions.WarningAction;
import org.jenkinsci.plugins.workflow.graph.FlowNode;
import org.jenkinsci.plugins.workflow.steps.FlowInterruptedException;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepExecution;

/**
 * A promotion or rollback, which may run for many minutes (a canary's steps, a person's approval). Durable: only the
 * {@link Operation} and who asks are kept in the build's program state; the work runs on a thread of its own, and
 * after a controller restart {@link #onResume()} carries the deployment on from the journal in the environment's
 * ledger (or, when nothing was deployed yet, starts the operation again: gates and approval are asked anew).
 */
public final class PromotionExecution extends StepExecution {

    private static final long serialVersionUID = 1L;

    private static final Logger LOGGER = Logger.getLogger(PromotionExecution.class.getName());

    private static final ExecutorService WORKERS = Executors.newCachedThreadPool(
            new NamingThreadFactory(new DaemonThreadFactory(), "immutable-delivery promotion"));

    /** Executions whose work is under way in this JVM, so that a shutdown can suspend them. */
    private static final Set<PromotionExecution> RUNNING = ConcurrentHashMap.newKeySet();

    private final Operation operation;
    private String actor;
    private String run;
    private transient volatile Future<?> task;
    private transient volatile boolean stopped;
    private transient volatile boolean suspended;

    PromotionExecution(StepContext context, Operation operation) {
        super(context);
        this.operation = operation;
    }

    @Override
    public boolean start() throws Exception {
        Run<?, ?> r = getContext().get(Run.class);
        try {
            operation.configure(Runs.config());
        } catch (EngineException e) {
            throw Runs.abort(e);
        }
        actor = Runs.actor(r);
        run = Runs.url(r);
        getContext().get(TaskListener.class).getLogger().println(operation.describe());
        launch(false);
        return false;
    }

    @Override
    public void onResume() {
        launch(true);
    }

    @Override
    public void stop(@NonNull Throwable cause) throws Exception {
        stopped = true;
        Future<?> t = task;
        if (t != null) {
            t.cancel(true);
        }
        getContext().onFailure(cause);
    }

    @Override
    public String getStatus() {
        Future<?> t = task;
        return operation.describe() + (t == null ? " (not running)" : t.isDone() ? " (done)" : " (running)");
    }

    private void launch(boolean resume) {
        task = WORKERS.submit(() -> work(resume));
    }

    /**
     * Jenkins is stopping: interrupt each promotion at a safe point (the deployment's state stays in its ledger,
     * owning the environment) without failing its step, which {@link #onResume()} carries on after the restart.
     */
    @Terminator
    public static void suspendForShutdown() throws InterruptedException {
        for (PromotionExecution e : RUNNING) {
            e.suspended = true;
            Future<?> t = e.task;
            if (t != null) {
                t.cancel(true);
            }
        }
        long deadline = System.currentTimeMillis() + 30_000;
        while (!RUNNING.isEmpty() && System.currentTimeMillis() < deadline) {
            Thread.sleep(100);
        }
    }

    private void work(boolean resume) {
        // the engine's libraries (Kubernetes client, Jackson modules) find their services through this plugin
        Thread.currentThread().setContextClassLoader(PromotionExecution.class.getClassLoader());
        RUNNING.add(this);
        Decisions decisions = null;
        Run<?, ?> r = null;
        TaskListener listener = null;
        try {
            r = getContext().get(Run.class);
            listener = getContext().get(TaskListener.class);
            FlowNode node = getContext().get(FlowNode.class);
            decisions = new Decisions(r, listener, node, operation.approvers());
            PromotionResult result = perform(r, listener, decisions, resume);
            if (!stopped && !suspended) {
                finish(r, node, decisions, result);
            }
        } catch (Throwable t) {
            if (suspended) {
                LOGGER.log(Level.FINE, "promotion suspended for a restart: " + operation.describe(), t);
            } else if (stopped) {
                LOGGER.log(Level.FINE, "promotion stopped: " + operation.describe(), t);
                if (r != null && listener != null) {
                    abandon(r, listener);
                }
            } else {
                fail(t, decisions);
            }
        } finally {
            RUNNING.remove(this);
            if (decisions != null) {
                decisions.closeAll();
            }
        }
    }

    private PromotionResult perform(Run<?, ?> r, TaskListener listener, Decisions decisions, boolean resume)
            throws Exception {
        ProgressListener progress = Runs.progress(listener);
        DeliveryConfig config = operation.configure(Runs.config());
        try (Wiring w = Runs.wiring(config, JenkinsCredentials.forRun(r)).listener(progress)
                .dockerHost(EnvVars.masterEnvVars.get("DOCKER_HOST")).approval(decisions).marginal(decisions)
                .onCanaryReport(decisions::report).build()) {
            Promoter promoter = w.promoter();
            if (resume) {
                progress.line(Messages.PromotionExecution_Resuming(operation.environment()));
                Optional<PromotionResult> resumed = promoter.resume(operation.environment(), actor, run);
                if (resumed.isPresent()) {
                    return resumed.get();
                }
                Optional<PromotionResult> recorded = recorded(w);
                if (recorded.isPresent()) {
                    return recorded.get();
                }
                progress.line(Messages.PromotionExecution_StartingOver());
            }
            return operation.perform(promoter, actor, run);
        }
    }

    /**
     * The build was aborted in the middle of a deployment: give it up, so that the environment serves what was live
     * and is free for the next promotion, and record it as failed, as an aborted rollout does elsewhere.
     */
    private void abandon(Run<?, ?> r, TaskListener listener) {
        Thread.interrupted(); // the stop interrupted this thread; the way back must not be cut short
        try (Wiring w = Runs.wiring(operation.configure(Runs.config()), JenkinsCredentials.forRun(r))
                .listener(Runs.progress(listener)).dockerHost(EnvVars.masterEnvVars.get("DOCKER_HOST")).build()) {
            Optional<PromotionResult> abandoned = w.promoter().abandon(operation.environment(), actor, run,
                    Messages.PromotionExecution_Aborted(r.getFullDisplayName()));
            if (abandoned.isPresent()) {
                PromotionAction.of(r).add(operation.action(), abandoned.get().deployment() == null ? null
                        : abandoned.get().deployment().strategy(), abandoned.get());
            }
        } catch (Exception | LinkageError e) {
            LOGGER.log(Level.WARNING, "cannot give up the deployment to " + operation.environment() + " that the"
                    + " aborted " + r.getFullDisplayName() + " left; it still owns the environment until it is"
                    + " resumed or rolled back", e);
        }
    }

    /** This run's entry in the environment's ledger, when the work ended before the restart but was not reported. */
    private Optional<PromotionResult> recorded(Wiring w) {
        LedgerHistory history = w.ledger().read(w.ledgerLocation(operation.environment()));
        List<LedgerEntry> entries = history.entries();
        for (int i = entries.size() - 1; i >= 0; i--) {
            LedgerEntry e = entries.get(i);
            if (run.equals(e.run()) && e.action() == operation.action()) {
                PromotionResult.Status status = e.outcome() == Outcome.FAILED ? PromotionResult.Status.FAILED
                        : e.action() == Action.ROLLBACK ? PromotionResult.Status.ROLLED_BACK
                        : PromotionResult.Status.PROMOTED;
                Repository repository = w.environmentOf(operation.environment()).repository();
                return Optional.of(new PromotionResult(status, operation.environment(), repository.digest(e.digest()),
                        e.previousDigest(), List.of(), e, null, Messages.PromotionExecution_Recorded(e.summary())));
            }
        }
        return Optional.empty();
    }

    private void finish(Run<?, ?> r, FlowNode node, Decisions decisions, PromotionResult result) throws Exception {
        PromotionAction.of(r).add(operation.action(), result.deployment() != null ? result.deployment().strategy()
                : operation.strategy() == null ? null : Operation.name(operation.strategy()), result);
        if (result.status() == PromotionResult.Status.FAILED) {
            // the environment is safe (the previous digest serves), but the release did not happen: yellow
            warn(node, result.message());
            getContext().onSuccess(result.previous() == null ? null
                    : result.image().repository().digest(result.previous()).toString());
            return;
        }
        if (decisions.marginal() != null) {
            warn(node, Messages.PromotionExecution_Marginal(decisions.marginal()));
        }
        getContext().onSuccess(result.image().toString());
    }

    private void warn(FlowNode node, String message) {
        node.addOrReplaceAction(new WarningAction(Result.UNSTABLE).withMessage(message));
        getContext().setResult(Result.UNSTABLE);
    }

    private void fail(Throwable t, Decisions decisions) {
        if (t instanceof PromotionRefusedException && decisions != null && decisions.rejectedBy() != null) {
            getContext().onFailure(new FlowInterruptedException(Result.ABORTED, true,
                    new CauseOfInterruption.UserInterruption(decisions.rejectedBy())));
        } else if (t instanceof EngineException e) {
            getContext().onFailure(Failures.forStep(e));
        } else {
            getContext().onFailure(t);
        }
    }
}
