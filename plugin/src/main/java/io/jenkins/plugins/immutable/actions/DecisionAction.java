package io.jenkins.plugins.immutable.actions;

import hudson.model.Run;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.kohsuke.stapler.export.Exported;
import org.kohsuke.stapler.export.ExportedBean;

/**
 * What a run waits for people to decide, as the {@code input} step's action does: approvals of promotions and
 * rollbacks, and Marginal canary verdicts. Each question has Proceed and Abort under
 * {@code <run>/immutable-decisions/<id>/}. Questions live in memory only: after a restart the promotion resumes from
 * its ledger and asks again.
 */
@ExportedBean
public final class DecisionAction extends RunAttachedAction {

    private transient volatile Map<String, PendingDecision> pending;

    /** The run's action, added on first use. */
    public static synchronized DecisionAction of(Run<?, ?> run) {
        DecisionAction a = run.getAction(DecisionAction.class);
        if (a == null) {
            a = new DecisionAction();
            run.addAction(a);
        }
        return a;
    }

    private Map<String, PendingDecision> pending() {
        Map<String, PendingDecision> p = pending;
        if (p == null) {
            synchronized (this) {
                if (pending == null) {
                    pending = new ConcurrentHashMap<>();
                }
                p = pending;
            }
        }
        return p;
    }

    @Override
    public String getIconFileName() {
        return pending().isEmpty() ? null : "symbol-pause";
    }

    @Override
    public String getDisplayName() {
        return Messages.DecisionAction_DisplayName();
    }

    @Override
    public String getUrlName() {
        return "immutable-decisions";
    }

    /** The open questions, oldest first. */
    @Exported(inline = true)
    public List<PendingDecision> getPending() {
        return pending().values().stream()
                .sorted(Comparator.comparingLong(PendingDecision::getAsked)).toList();
    }

    /** Opens a question; the caller closes it once it has its answer (or gives up). */
    public PendingDecision open(String id, PendingDecision.Kind kind, String question, String detail,
            String approvers, Runnable onAnswer) {
        PendingDecision d = new PendingDecision(this, id, kind, question, detail, approvers, onAnswer);
        pending().put(id, d);
        return d;
    }

    public PendingDecision get(String id) {
        return pending().get(id);
    }

    public void close(String id) {
        pending().remove(id);
    }

    /** Routes {@code immutable-decisions/<id>/proceed} and {@code .../abort} to the question. */
    public PendingDecision getDynamic(String id) {
        return pending().get(id);
    }
}
