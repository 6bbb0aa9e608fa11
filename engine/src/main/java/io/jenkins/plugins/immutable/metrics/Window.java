package io.jenkins.plugins.immutable.metrics;

import io.jenkins.plugins.immutable.EngineException;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * A half-open time window {@code [from, to)}: what happened at {@code from} counts, what happened at {@code to} does
 * not, so consecutive windows share no event.
 */
public record Window(Instant from, Instant to) {

    public Window {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        if (!from.isBefore(to)) {
            throw EngineException.badInput("the metrics window must start before it ends; got " + from + " to " + to);
        }
    }

    /** The window of {@code length} that ends at {@code end}. */
    public static Window last(Duration length, Instant end) {
        return new Window(end.minus(length), end);
    }

    public boolean contains(Instant t) {
        return t != null && !t.isBefore(from) && t.isBefore(to);
    }

    public Duration length() {
        return Duration.between(from, to);
    }

    /** The length in days, fractional: the denominator of a per-day rate. */
    public double days() {
        return length().toMillis() / 86_400_000.0;
    }
}
