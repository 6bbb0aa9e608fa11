package io.jenkins.plugins.immutable.promote;

/**
 * Asks a person to approve a promotion or rollback into an environment that requires it. The Jenkins plugin maps it
 * to the {@code input} step (Proceed / Abort); the CLI to a prompt, or to {@code --approve} given up front. It is asked
 * last, only when every other gate passed, so no one is asked to approve what would be refused anyway.
 */
@FunctionalInterface
public interface ApprovalHook {

    /** No one can be asked: every approval gate refuses, saying how to give an approval. */
    ApprovalHook UNAVAILABLE = request -> null;

    /**
     * Asks for a decision and waits for it.
     *
     * @return the decision, or null when no one could be asked (the gate then refuses and says how to approve)
     */
    Approval decide(ApprovalRequest request);

    /** A hook that approves every request in the name of {@code approver}, for {@code --approve} on the CLI. */
    static ApprovalHook approvedBy(String approver, String comment) {
        return request -> Approval.approved(approver, comment);
    }
}
