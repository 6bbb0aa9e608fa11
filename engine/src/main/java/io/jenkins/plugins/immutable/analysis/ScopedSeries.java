package io.jenkins.plugins.immutable.analysis;

/** One metric's points in both scopes over the same interval: what the judge compares. */
public record ScopedSeries(TimeSeries baseline, TimeSeries canary) {

    public ScopedSeries {
        baseline = baseline == null ? TimeSeries.EMPTY : baseline;
        canary = canary == null ? TimeSeries.EMPTY : canary;
    }

    public static ScopedSeries of(double[] baseline, double[] canary) {
        return new ScopedSeries(TimeSeries.of(baseline), TimeSeries.of(canary));
    }
}
