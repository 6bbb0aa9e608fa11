package io.jenkins.plugins.immutable.promote;

import java.util.List;
import java.util.Objects;

/** Passes when a person approves through the {@link ApprovalHook}; asked after every other gate passed. */
public final class ApprovalGate implements Gate {

    public static final String NAME = "approval";

    private final ApprovalHook hook;
    private final List<GateResult> passed;

    /**
     * @param hook   who to ask
     * @param passed what the other gates found, shown to the approver
     */
    public ApprovalGate(ApprovalHook hook, List<GateResult> passed) {
        this.hook = Objects.requireNonNull(hook, "hook");
        this.passed = List.copyOf(passed);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public GateResult check(GateContext c) {
        ApprovalRequest request = new ApprovalRequest(c.action(), c.environment().name(), c.image(), c.actor(), passed);
        c.listener().line("Waiting for approval: " + request.question());
        Approval decision = hook.decide(request);
        if (decision == null) {
            return GateResult.refuse(NAME, c.environment().name() + " requires a manual approval and no one could be"
                    + " asked here: approve it in Jenkins (the promotion's input step) or pass --approve to the CLI");
        }
        String comment = decision.comment() == null || decision.comment().isBlank() ? "" : ": " + decision.comment();
        if (!decision.approved()) {
            return GateResult.refuse(NAME, "rejected by " + decision.approver() + comment
                    + "; ask them, or promote another digest");
        }
        return GateResult.pass(NAME, "approved by " + decision.approver() + comment);
    }
}
