package io.jenkins.plugins.immutable.analysis;

import java.time.Instant;

/**
 * A person's (or a timeout's) answer to a marginal verdict.
 *
 * @param proceed whether the canary goes on (to the next step, or to promotion); false rolls it back
 * @param by      who decided: a user id, or {@code timeout}
 * @param reason  why, as given
 * @param at      when
 */
public record Decision(boolean proceed, String by, String reason, Instant at) {

    public static Decision proceed(String by, String reason) {
        return new Decision(true, by, reason, Instant.now());
    }

    public static Decision rollBack(String by, String reason) {
        return new Decision(false, by, reason, Instant.now());
    }
}
