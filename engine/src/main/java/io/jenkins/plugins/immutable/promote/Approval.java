package io.jenkins.plugins.immutable.promote;

import io.jenkins.plugins.immutable.EngineException;

/**
 * An approver's decision.
 *
 * @param approved true to let the promotion go on
 * @param approver who decided (a Jenkins user id, a CLI user)
 * @param comment  what they said, or null
 */
public record Approval(boolean approved, String approver, String comment) {

    public Approval {
        if (approver == null || approver.isBlank()) {
            throw EngineException.badInput("an approval must name who gave it");
        }
    }

    public static Approval approved(String approver, String comment) {
        return new Approval(true, approver, comment);
    }

    public static Approval rejected(String approver, String comment) {
        return new Approval(false, approver, comment);
    }
}
