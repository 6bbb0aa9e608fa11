package io.jenkins.plugins.immutable.freeze;

import java.util.Objects;

/**
 * What a freeze or unfreeze did.
 *
 * @param state    the environment's state afterwards
 * @param recorded true when a ledger entry was written; false when the environment already was in that state (then
 *                 {@code state} names the freeze in force, or none)
 */
public record FreezeChange(FreezeState state, boolean recorded) {

    public FreezeChange {
        Objects.requireNonNull(state, "state");
    }

    /** One sentence for people. */
    public String message() {
        if (state.frozen()) {
            return recorded ? "froze " + state.describe().replaceFirst(" is frozen since ", " since ")
                    : state.describe() + " already; nothing recorded (unfreeze it first to freeze it for another"
                    + " reason)";
        }
        return recorded ? "unfroze " + state.environment() + "; promotions into it are allowed again (within its"
                + " promotion windows, if it has any)" : state.environment() + " is not frozen; nothing recorded";
    }
}
