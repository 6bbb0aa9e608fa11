package io.jenkins.plugins.immutable.actions;

import hudson.Util;
import hudson.model.Item;
import hudson.model.Run;
import hudson.model.User;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import jenkins.model.Jenkins;
import org.kohsuke.stapler.HttpResponse;
import org.kohsuke.stapler.HttpResponses;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.export.Exported;
import org.kohsuke.stapler.export.ExportedBean;
import org.kohsuke.stapler.verb.POST;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;

/**
 * One question a run waits on, answered by Proceed or Abort (POST, with the job's Build permission and, when the step
 * names approvers, by one of them or an administrator), as the {@code input} step's links are.
 */
@ExportedBean(defaultVisibility = 2)
public final class PendingDecision {

    /** What is being decided. */
    public enum Kind {
        /** A promotion or rollback into an environment that requires approval. */
        APPROVAL,
        /** A canary judged Marginal: go on, or roll back. */
        MARGINAL
    }

    /** A person's answer. */
    public record Answer(boolean proceed, String by, String comment) {
    }

    private final DecisionAction owner;
    private final String id;
    private final Kind kind;
    private final String question;
    private final String detail;
    private final String approvers;
    private final Runnable onAnswer;
    private final long asked = System.currentTimeMillis();
    private final CompletableFuture<Answer> answer = new CompletableFuture<>();

    PendingDecision(DecisionAction owner, String id, Kind kind, String question, String detail, String approvers,
            Runnable onAnswer) {
        this.owner = owner;
        this.id = id;
        this.kind = kind;
        this.question = question;
        this.detail = detail;
        this.approvers = Util.fixEmptyAndTrim(approvers);
        this.onAnswer = onAnswer;
    }

    @Exported
    public String getId() {
        return id;
    }

    @Exported
    public Kind getKind() {
        return kind;
    }

    /** An approval (Abort rejects it) rather than a Marginal verdict (Abort rolls the canary back). */
    public boolean isApproval() {
        return kind == Kind.APPROVAL;
    }

    @Exported
    public String getQuestion() {
        return question;
    }

    @Exported
    public String getDetail() {
        return detail;
    }

    @Exported
    public String getApprovers() {
        return approvers;
    }

    @Exported
    public long getAsked() {
        return asked;
    }

    /** The answer, once given. */
    public CompletableFuture<Answer> answer() {
        return answer;
    }

    /** Waits for the answer; an interruption (the build stopped, Jenkins shutting down) ends the wait. */
    public Answer await() throws InterruptedException {
        try {
            return answer.get();
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    /** Whether the current user may answer (for the page: only they see the buttons). */
    public boolean canDecide() {
        Run<?, ?> run = owner.getRun();
        if (run == null || !run.getParent().hasPermission(Item.BUILD)) {
            return false;
        }
        if (approvers == null || Jenkins.get().hasPermission(Jenkins.ADMINISTER)) {
            return true;
        }
        Authentication a = Jenkins.getAuthentication2();
        // A name given twice is still one approver (Set.of would throw on it).
        Set<String> names = Arrays.stream(approvers.split("\\s*,\\s*")).collect(Collectors.toSet());
        if (names.contains(a.getName())) {
            return true;
        }
        Set<String> authorities = a.getAuthorities().stream().map(GrantedAuthority::getAuthority)
                .collect(Collectors.toSet());
        return names.stream().anyMatch(authorities::contains);
    }

    @POST
    public HttpResponse doProceed(@QueryParameter String comment) {
        return decide(true, comment);
    }

    @POST
    public HttpResponse doAbort(@QueryParameter String comment) {
        return decide(false, comment);
    }

    private HttpResponse decide(boolean proceed, String comment) {
        Run<?, ?> run = owner.getRun();
        if (run == null) {
            return HttpResponses.notFound();
        }
        run.getParent().checkPermission(Item.BUILD);
        if (!canDecide()) {
            return HttpResponses.forbidden();
        }
        User user = User.current();
        if (answer.complete(new Answer(proceed, user == null ? "anonymous" : user.getId(), Util.fixEmptyAndTrim(
                comment)))) {
            owner.close(id);
            if (onAnswer != null) {
                onAnswer.run();
            }
        }
        return HttpResponses.redirectTo("../../");
    }
}
