package io.jenkins.plugins.immutable.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.analysis.Decision;
import io.jenkins.plugins.immutable.analysis.MarginalHook;
import io.jenkins.plugins.immutable.analysis.MarginalQuestion;
import io.jenkins.plugins.immutable.promote.Approval;
import io.jenkins.plugins.immutable.promote.ApprovalHook;
import io.jenkins.plugins.immutable.promote.GateResult;
import io.jenkins.plugins.immutable.promote.PromotionResult;
import java.io.Console;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** How promote, rollback and resume report a {@link PromotionResult}, and how they ask for approvals. */
final class PromotionOutput {

    private PromotionOutput() {
    }

    static ObjectNode json(PromotionResult r) {
        ObjectNode n = Output.object();
        n.put("status", r.status().name());
        n.put("environment", r.environment());
        n.put("image", r.image() == null ? null : r.image().toString());
        n.put("digest", r.image() == null || r.image().digest() == null ? null : r.image().digest().toString());
        n.put("previous", r.previous() == null ? null : r.previous().toString());
        n.put("message", r.message());
        ArrayNode gates = n.putArray("gates");
        for (GateResult g : r.gates()) {
            ObjectNode gn = gates.addObject();
            gn.put("gate", g.gate());
            gn.put("passed", g.passed());
            gn.put("message", g.message());
        }
        if (r.entry() != null) {
            n.set("ledgerEntry", HistoryCommand.entry(r.entry()));
        }
        if (r.deployment() != null) {
            ObjectNode d = n.putObject("deployment");
            d.put("id", r.deployment().id());
            d.put("strategy", r.deployment().strategy());
            d.put("phase", r.deployment().phase().name());
            d.put("message", r.deployment().message());
        }
        return n;
    }

    static String human(PromotionResult r) {
        StringBuilder s = new StringBuilder(r.message());
        for (GateResult g : r.gates()) {
            s.append("\n  gate ").append(g);
        }
        return s.toString();
    }

    /** What a Marginal canary verdict gets: {@code --on-marginal}. */
    enum OnMarginal {
        /** Ask on the terminal (without one, nobody is asked and the canary rolls back at the deadline). */
        ask,
        /** Go on, in the user's name. */
        proceed,
        /** Roll back at once. */
        rollback
    }

    /**
     * The CLI's marginal hook: a decision given up front, or a question on the terminal answered in the background
     * (the deployment's thread must not wait on a person; it looks for the answer after each pause).
     */
    static MarginalHook marginal(Session session, OnMarginal on) {
        return switch (on) {
            case proceed -> MarginalHook.deciding(q -> Decision.proceed(session.actor(), "--on-marginal proceed"));
            case rollback -> MarginalHook.deciding(q -> Decision.rollBack(session.actor(), "--on-marginal rollback"));
            case ask -> {
                Console console = System.console();
                if (console == null) {
                    yield MarginalHook.NOBODY;
                }
                Map<String, Decision> answers = new ConcurrentHashMap<>();
                yield new MarginalHook() {
                    @Override
                    public void ask(MarginalQuestion q) {
                        String key = q.deploymentId() + "#" + q.step();
                        Thread t = new Thread(() -> {
                            String answer = console.readLine("%s [p]roceed / [r]oll back: ", q.prompt());
                            boolean go = answer != null && answer.strip().toLowerCase(Locale.ROOT).startsWith("p");
                            answers.put(key, go ? Decision.proceed(session.actor(), "answered on the terminal")
                                    : Decision.rollBack(session.actor(), "answered '" + (answer == null ? ""
                                    : answer.strip()) + "' on the terminal"));
                        }, "marginal-question");
                        t.setDaemon(true);
                        t.start();
                    }

                    @Override
                    public Optional<Decision> answer(MarginalQuestion q) {
                        return Optional.ofNullable(answers.get(q.deploymentId() + "#" + q.step()));
                    }
                };
            }
        };
    }

    /**
     * {@code --approve}: approved in the user's name; else on a terminal, a question; else nobody can be asked, and
     * environments that require approval refuse (saying to pass --approve).
     */
    static ApprovalHook approval(Session session, boolean approve) {
        if (approve) {
            return ApprovalHook.approvedBy(session.actor(), "--approve on the command line");
        }
        Console console = System.console();
        if (console == null) {
            return ApprovalHook.UNAVAILABLE;
        }
        return request -> {
            String answer = console.readLine("%s [y/N] ", request.question());
            if (answer == null) {
                throw EngineException.refused("no answer to \"" + request.question() + "\"; pass --approve to approve"
                        + " up front");
            }
            boolean yes = answer.strip().toLowerCase(Locale.ROOT).startsWith("y");
            return yes ? Approval.approved(session.actor(), "answered on the terminal")
                    : Approval.rejected(session.actor(), "answered '" + answer.strip() + "' on the terminal");
        };
    }
}
