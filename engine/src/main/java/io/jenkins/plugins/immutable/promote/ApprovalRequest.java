package io.jenkins.plugins.immutable.promote;

import io.jenkins.plugins.immutable.image.ImageReference;
import io.jenkins.plugins.immutable.ledger.Action;
import java.util.List;

/**
 * What an approver is asked to decide.
 *
 * @param action      promotion or rollback
 * @param environment the environment the digest is to enter
 * @param image       the candidate, pinned
 * @param requestedBy who asks for it
 * @param gates       what the other gates found, all passed
 */
public record ApprovalRequest(Action action, String environment, ImageReference image, String requestedBy,
        List<GateResult> gates) {

    public ApprovalRequest {
        gates = List.copyOf(gates);
    }

    /** The question to show: {@code Promote 127.0.0.1:5101/app@sha256:1234abcd5678 to prod?}. */
    public String question() {
        String verb = action == Action.ROLLBACK ? "Roll " + environment + " back to " : "Promote ";
        String what = image.repository() + "@" + image.digest().shortForm();
        return action == Action.ROLLBACK ? verb + what + "?" : verb + what + " to " + environment + "?";
    }
}
