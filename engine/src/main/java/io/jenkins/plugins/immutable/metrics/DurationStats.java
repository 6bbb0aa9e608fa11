package io.jenkins.plugins.immutable.metrics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * A set of durations, summarised in seconds (millisecond precision, as the ledger records time).
 *
 * @param count         how many were measured
 * @param meanSeconds   their mean, or null when none was
 * @param medianSeconds their median (the mean of the middle two for an even count), or null
 * @param maxSeconds    the longest, or null
 */
public record DurationStats(int count, Double meanSeconds, Double medianSeconds, Double maxSeconds) {

    public static final DurationStats NONE = new DurationStats(0, null, null, null);

    public static DurationStats of(Collection<Duration> durations) {
        if (durations.isEmpty()) {
            return NONE;
        }
        List<Long> millis = new ArrayList<>();
        durations.forEach(d -> millis.add(d.toMillis()));
        millis.sort(null);
        long sum = 0;
        for (long m : millis) {
            sum += m;
        }
        int n = millis.size();
        double median = n % 2 == 1 ? millis.get(n / 2) : (millis.get(n / 2 - 1) + millis.get(n / 2)) / 2.0;
        return new DurationStats(n, sum / 1000.0 / n, median / 1000.0, millis.get(n - 1) / 1000.0);
    }
}
