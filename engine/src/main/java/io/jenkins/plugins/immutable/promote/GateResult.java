package io.jenkins.plugins.immutable.promote;

import java.util.Objects;

/**
 * What a gate decided, with the sentence that explains it: for a pass what was found (kept in the ledger for audit),
 * for a refusal what is missing and what to do.
 *
 * @param gate    the gate's {@link Gate#name()}
 * @param passed  true when the candidate may pass
 * @param message one sentence for people
 */
public record GateResult(String gate, boolean passed, String message) {

    public GateResult {
        Objects.requireNonNull(gate, "gate");
        Objects.requireNonNull(message, "message");
    }

    public static GateResult pass(String gate, String message) {
        return new GateResult(gate, true, message);
    }

    public static GateResult refuse(String gate, String message) {
        return new GateResult(gate, false, message);
    }

    /** {@code signed: passed, verified by key release-2026} / {@code scanned: REFUSED, ...}. */
    @Override
    public String toString() {
        return gate + ": " + (passed ? "passed, " : "REFUSED, ") + message;
    }
}
