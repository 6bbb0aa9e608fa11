package io.jenkins.plugins.immutable.analysis;

/**
 * One metric's points in both scopes over the same interval: what the judge compares.
 *
 * @param origin what was asked of the source for each scope (the expanded query), so that a metric without data
 *               says where none was found; null when unknown
 */
public record ScopedSeries(TimeSeries baseline, TimeSeries canary, String origin) {

    public ScopedSeries {
        baseline = baseline == null ? TimeSeries.EMPTY : baseline;
        canary = canary == null ? TimeSeries.EMPTY : canary;
    }

    public ScopedSeries(TimeSeries baseline, TimeSeries canary) {
        this(baseline, canary, null);
    }

    public static ScopedSeries of(double[] baseline, double[] canary) {
        return new ScopedSeries(TimeSeries.of(baseline), TimeSeries.of(canary));
    }
}
