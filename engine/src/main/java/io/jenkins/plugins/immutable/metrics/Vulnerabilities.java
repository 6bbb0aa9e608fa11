package io.jenkins.plugins.immutable.metrics;

import io.jenkins.plugins.immutable.scan.Severity;
import java.time.Instant;
import java.util.Map;

/**
 * The findings of a digest's newest verified scan (ignored findings left out), and their severity-weighted sum.
 *
 * @param scannedOn when that scan finished
 * @param weighted  {@link #CRITICAL_WEIGHT} per critical finding, {@link #HIGH_WEIGHT} per high, {@link #MEDIUM_WEIGHT}
 *                  per medium, 1 per low or unknown
 */
public record Vulnerabilities(Instant scannedOn, int critical, int high, int medium, int low, int unknown,
        int weighted) {

    public static final int CRITICAL_WEIGHT = 10;
    public static final int HIGH_WEIGHT = 5;
    public static final int MEDIUM_WEIGHT = 2;

    public static Vulnerabilities of(Instant scannedOn, Map<Severity, Integer> counts) {
        int critical = counts.getOrDefault(Severity.CRITICAL, 0);
        int high = counts.getOrDefault(Severity.HIGH, 0);
        int medium = counts.getOrDefault(Severity.MEDIUM, 0);
        int low = counts.getOrDefault(Severity.LOW, 0);
        int unknown = counts.getOrDefault(Severity.UNKNOWN, 0);
        return new Vulnerabilities(scannedOn, critical, high, medium, low, unknown,
                CRITICAL_WEIGHT * critical + HIGH_WEIGHT * high + MEDIUM_WEIGHT * medium + low + unknown);
    }

    public int total() {
        return critical + high + medium + low + unknown;
    }
}
