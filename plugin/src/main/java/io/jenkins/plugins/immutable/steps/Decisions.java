package io.jenkins.plugins.immutable.steps;

import hudson.model.Run;
import hudson.model.TaskListener;
import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.actions.CanaryAnalysisAction;
import io.jenkins.plugins.immutable.actions.DecisionAction;
import io.jenkins.plugins.immutable.actions.PendingDecision;
import io.jenkins.plugins.immutable.analysis.CanaryReport;
import io.jenkins.plugins.immutable.analysis.Decision;
import io.jenkins.plugins.immutable.analysis.MarginalHook;
import io.jenkins.plugins.immutable.analysis.MarginalQuestion;
import io.jenkins.plugins.immutable.deploy.CanaryStep;
import io.jenkins.plugins.immutable.promote.Approval;
import io.jenkins.plugins.immutable.promote.ApprovalHook;
import io.jenkins.plugins.immutable.promote.ApprovalRequest;
import io.jenkins.plugins.immutable.promote.GateResult;
import java.io.IOException;
import java.util.Optional;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import org.jenkinsci.plugins.workflow.graph.FlowNode;
import org.jenkinsci.plugins.workflow.support.actions.PauseAction;
import org.jenkinsci.plugins.workflow.support.steps.input.POSTHyperlinkNote;

/**
 * The people a promotion asks: approvals and Marginal canary verdicts become questions on the run with Proceed and
 * Abort, as the {@code input} step's are (links in the log, buttons on the run's page, the step's node shown paused).
 * Also keeps each canary judgement's report on the run. One per running promotion; never serialized.
 */
final class Decisions implements ApprovalHook, MarginalHook {

    private static final Logger LOGGER = Logger.getLogger(Decisions.class.getName());

    private final Run<?, ?> run;
    private final TaskListener listener;
    private final FlowNode node;
    private final String approvers;
    /** The questions this promotion asked and has not yet taken an answer from; an answered one leaves the run's page. */
    private final Map<String, PendingDecision> open = new ConcurrentHashMap<>();
    private volatile String rejectedBy;
    private volatile String marginal;

    Decisions(Run<?, ?> run, TaskListener listener, FlowNode node, String approvers) {
        this.run = run;
        this.listener = listener;
        this.node = node;
        this.approvers = approvers;
    }

    /** Who rejected the approval, when someone did (the step then ends ABORTED, as an aborted input does). */
    String rejectedBy() {
        return rejectedBy;
    }

    /** The Marginal verdict met, if any (the stage is then UNSTABLE even when someone proceeded). */
    String marginal() {
        return marginal;
    }

    @Override
    public Approval decide(ApprovalRequest request) {
        String detail = request.gates().stream().map(GateResult::toString).collect(Collectors.joining("; "));
        PendingDecision d = ask("approval-" + UUID.randomUUID().toString().substring(0, 8),
                PendingDecision.Kind.APPROVAL, request.question(), detail);
        try {
            PendingDecision.Answer a = d.await();
            listener.getLogger().println(Messages.Decisions_Answered(a.proceed() ? "Proceed" : "Abort",
                    a.by()));
            if (!a.proceed()) {
                rejectedBy = a.by();
                return Approval.rejected(a.by(), a.comment() == null ? "aborted in Jenkins" : a.comment());
            }
            return Approval.approved(a.by(), a.comment() == null ? "approved in Jenkins" : a.comment());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EngineException(EngineException.Kind.OUTAGE, "stopped while waiting for approval of: "
                    + request.question());
        } finally {
            close(d);
        }
    }

    @Override
    public void ask(MarginalQuestion q) {
        marginal = q.prompt();
        ask(marginalId(q), PendingDecision.Kind.MARGINAL, q.prompt(), Messages.Decisions_Deadline(q.deadline()));
    }

    @Override
    public Optional<Decision> answer(MarginalQuestion q) {
        PendingDecision d = open.get(marginalId(q));
        if (d == null) {
            return Optional.empty();
        }
        PendingDecision.Answer a = d.answer().getNow(null);
        if (a == null) {
            return Optional.empty();
        }
        close(d);
        listener.getLogger().println(Messages.Decisions_Answered(a.proceed() ? "Proceed" : "Roll back", a.by()));
        String why = a.comment() == null ? "answered in Jenkins" : a.comment();
        return Optional.of(a.proceed() ? Decision.proceed(a.by(), why) : Decision.rollBack(a.by(), why));
    }

    /** Keeps each judgement's report on the run, for the canary analysis page. */
    void report(CanaryStep step, CanaryReport report) {
        try {
            CanaryAnalysisAction.update(run, step.environment(), step.deploymentId(),
                    step.canary() == null ? null : step.canary().shortForm(), report);
        } catch (IOException e) {
            LOGGER.log(Level.WARNING, "cannot save the canary report of " + run, e);
        }
    }

    /** Withdraws every question still open (the promotion ended, or stopped). */
    void closeAll() {
        open.values().forEach(this::close);
    }

    private static String marginalId(MarginalQuestion q) {
        return "marginal-" + q.deploymentId().replaceAll("[^A-Za-z0-9]", "") + "-" + q.step();
    }

    private PendingDecision ask(String id, PendingDecision.Kind kind, String question, String detail) {
        DecisionAction action = DecisionAction.of(run);
        PendingDecision existing = open.get(id);
        if (existing != null) {
            return existing;
        }
        PendingDecision d = action.open(id, kind, question, detail, approvers, this::endPause);
        open.put(id, d);
        try {
            node.addAction(new PauseAction(kind == PendingDecision.Kind.APPROVAL ? "Approval" : "Canary verdict"));
        } catch (RuntimeException e) {
            LOGGER.log(Level.FINE, "cannot mark " + node + " paused", e);
        }
        String base = "/" + run.getUrl() + action.getUrlName() + "/" + id + "/";
        listener.getLogger().println(question + (detail == null || detail.isEmpty() ? "" : " (" + detail + ")"));
        listener.getLogger().println(POSTHyperlinkNote.encodeTo(base + "proceed", "Proceed") + " or "
                + POSTHyperlinkNote.encodeTo(base + "abort", kind == PendingDecision.Kind.APPROVAL ? "Abort"
                        : "Roll back") + (approvers == null ? "" : " (" + Messages.Decisions_Approvers(approvers)
                + ")"));
        return d;
    }

    private void close(PendingDecision d) {
        DecisionAction.of(run).close(d.getId());
        open.remove(d.getId());
        endPause();
    }

    private void endPause() {
        try {
            if (PauseAction.isPaused(node)) {
                PauseAction.endCurrentPause(node);
            }
        } catch (IOException | RuntimeException e) {
            LOGGER.log(Level.FINE, "cannot end the pause of " + node, e);
        }
    }
}
