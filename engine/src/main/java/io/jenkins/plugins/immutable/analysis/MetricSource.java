package io.jenkins.plugins.immutable.analysis;

import java.time.Instant;

/**
 * Where the judge's points come from: one metric's time series for the baseline and for the canary over the same
 * interval, measured alike. Implementations: {@link PrometheusSource} (any metric Prometheus holds) and
 * {@link HAProxyStatsSource} (HAProxy's own per-server counters, without Prometheus).
 */
public interface MetricSource {

    /**
     * Points of {@code metric} for both scopes from {@code start} to {@code end}. Missing values stay missing (NaN, or
     * no point); a query that finds nothing gives empty series, which the judge classifies as NoData, naming
     * {@link ScopedSeries#origin()}.
     *
     * @throws io.jenkins.plugins.immutable.EngineException BAD_INPUT for a query the source cannot run, OUTAGE when
     *         the source cannot be reached
     */
    ScopedSeries fetch(CanaryMetric metric, Scopes scopes, Instant start, Instant end);
}
