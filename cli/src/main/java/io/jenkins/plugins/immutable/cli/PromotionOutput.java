package io.jenkins.plugins.immutable.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.promote.Approval;
import io.jenkins.plugins.immutable.promote.ApprovalHook;
import io.jenkins.plugins.immutable.promote.GateResult;
import io.jenkins.plugins.immutable.promote.PromotionResult;
import java.io.Console;
import java.util.Locale;

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
