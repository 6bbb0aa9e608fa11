package io.jenkins.plugins.immutable.analysis;

import io.jenkins.plugins.immutable.EngineException;
import java.time.Instant;
import java.util.Objects;

/**
 * One failed attempt to fetch a metric: the metric source errored (Prometheus down, a query it refused), which says
 * nothing about the canary. Kept in the {@link Judgement} so the report shows what errored and when.
 *
 * @param at      when the attempt failed
 * @param metric  the metric being fetched
 * @param kind    how it failed: OUTAGE (unreachable, 5xx, timeout) or BAD_INPUT (the source refused the query)
 * @param message the source's message
 */
public record SourceError(Instant at, String metric, EngineException.Kind kind, String message) {

    /** Longer messages are cut: a report (and the ledger's reason) stays readable. */
    static final int MAX_MESSAGE = 500;

    public SourceError {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(kind, "kind");
        message = message == null ? "" : message.length() > MAX_MESSAGE
                ? message.substring(0, MAX_MESSAGE) + "..." : message;
    }

    @Override
    public String toString() {
        return at + " " + metric + ": " + message;
    }
}
