package io.jenkins.plugins.immutable.registry;

import io.jenkins.plugins.immutable.EngineException;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * When to try a request again: on connection failures, 408, 429 and 5xx other than 501/505, with exponential
 * backoff and jitter, honouring {@code Retry-After} (capped); never on other 4xx, which will not change by waiting,
 * nor when a server accepted a request and then stalled past its {@link Pace}, which would cost the timeout again.
 */
record RetryPolicy(int attempts, Duration initialBackoff, Duration maxBackoff) {

    static final RetryPolicy DEFAULT = new RetryPolicy(5, Duration.ofMillis(250), Duration.ofSeconds(20));
    /** Retry-After beyond this is not waited for: the request fails and says when to try again. */
    static final Duration MAX_RETRY_AFTER = Duration.ofSeconds(60);

    RetryPolicy {
        if (attempts < 1) {
            throw new IllegalArgumentException("at least one attempt");
        }
    }

    static boolean isRetryableStatus(int status) {
        return status == 408 || status == 429 || (status >= 500 && status != 501 && status != 505);
    }

    /**
     * Whether an operation that failed with {@code failure} on attempt {@code attempt} may start again from its
     * beginning: an OUTAGE, attempts left, and the thread not interrupted (an interrupt is someone stopping the work,
     * not a failure that passes).
     */
    boolean allowsAnother(EngineException failure, int attempt) {
        return failure.kind() == EngineException.Kind.OUTAGE && attempt < attempts
                && !Thread.currentThread().isInterrupted();
    }

    /** Waits before another attempt; an interrupt ends the wait and the work, the thread's flag kept. */
    static void pause(Duration wait) {
        try {
            Thread.sleep(wait.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw EngineException.outage("interrupted while waiting to retry", e);
        }
    }

    /** The wait before attempt {@code attempt + 1}, after {@code attempt} failed. */
    Duration backoff(int attempt) {
        long base = initialBackoff.toMillis() << Math.min(attempt - 1, 16);
        long capped = Math.min(base, maxBackoff.toMillis());
        long jitter = capped / 4 == 0 ? 0 : ThreadLocalRandom.current().nextLong(capped / 4);
        return Duration.ofMillis(capped - jitter);
    }

    /** The delay a Retry-After header asks for: seconds, or an HTTP date. */
    static Optional<Duration> retryAfter(Optional<String> header) {
        if (header.isEmpty()) {
            return Optional.empty();
        }
        String value = header.get().trim();
        try {
            return Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(value))));
        } catch (NumberFormatException notSeconds) {
            try {
                ZonedDateTime at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME);
                Duration d = Duration.between(ZonedDateTime.now(at.getZone()), at);
                return Optional.of(d.isNegative() ? Duration.ZERO : d);
            } catch (RuntimeException notADate) {
                return Optional.empty();
            }
        }
    }
}
