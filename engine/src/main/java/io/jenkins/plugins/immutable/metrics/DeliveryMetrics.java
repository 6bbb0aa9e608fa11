package io.jenkins.plugins.immutable.metrics;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Delivery metrics over a time window, per environment and overall, with a time series and the version
 * distribution. Immutable; written as JSON by {@link MetricsJson} and as OpenMetrics by {@link OpenMetrics}.
 * docs/metrics.md defines each figure.
 *
 * @param window                    the window the figures cover
 * @param granularity               the series' buckets
 * @param computedAt                when these were computed (the live images and attestations are as of then)
 * @param environments              each environment, in promotion order
 * @param overall                   all environments together (counts summed, durations pooled)
 * @param dora                      the four keys, in the production environments (the promotion graph's leaves)
 * @param attestationsChecked       whether trusted keys were given to verify provenance and scans with; without
 *                                  them M6, M7 and lead time are not measured (null)
 * @param liveDigests               distinct digests live in some environment
 * @param liveDigestsWithProvenance of which with verified SLSA provenance
 * @param provenanceCoverage        M6: liveDigestsWithProvenance / liveDigests
 * @param liveDigestsScanned        live digests with a verified scan
 * @param vulnerabilityDensity      M7: the weighted findings of the scanned live digests / liveDigestsScanned
 * @param series                    the figures per day or week, oldest first
 * @param versions                  which digest is live where, since when; newest first
 * @param notes                     what could not be measured, and why, in sentences
 */
public record DeliveryMetrics(Window window, Granularity granularity, Instant computedAt,
        List<EnvironmentMetrics> environments, Figures overall, DoraKeys dora, boolean attestationsChecked,
        int liveDigests, int liveDigestsWithProvenance, Double provenanceCoverage, int liveDigestsScanned,
        Double vulnerabilityDensity, List<Bucket> series, List<VersionShare> versions, List<String> notes) {

    public DeliveryMetrics {
        environments = List.copyOf(environments);
        series = List.copyOf(series);
        versions = List.copyOf(versions);
        notes = List.copyOf(notes);
    }

    public Optional<EnvironmentMetrics> environment(String name) {
        return environments.stream().filter(e -> e.environment().equals(name)).findFirst();
    }
}
