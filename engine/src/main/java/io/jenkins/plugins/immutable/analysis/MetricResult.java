package io.jenkins.plugins.immutable.analysis;

/**
 * The judge's finding on one metric in one interval, with every number behind it.
 *
 * @param name           the metric
 * @param group          its group
 * @param classification Pass, High, Low or NoData
 * @param critical       the metric is critical: anything but Pass forces the score to 0
 * @param mustHaveData   NoData counts as a failure
 * @param reason         one sentence a person can act on
 * @param canary         the canary's points
 * @param baseline       the baseline's points
 * @param test           the U test and the interval on the shift; null when the metric was not tested (NoData,
 *                       identical samples, or events against an all-zero baseline)
 * @param measure        the effect size measure the metric is judged with
 * @param effectSize     its value (mean ratio or CLES); null when undefined (mean ratio over a zero baseline mean)
 */
public record MetricResult(String name, String group, Classification classification, boolean critical,
                           boolean mustHaveData, String reason, SampleSummary canary, SampleSummary baseline,
                           MannWhitneyResult test, EffectSize.Measure measure, Double effectSize) {

    /** Whether the metric enters its group's score: all but NoData on a metric that need not have data. */
    public boolean counted() {
        return classification != Classification.NODATA || mustHaveData;
    }

    /** Whether the metric counts against the canary in its group's score. */
    public boolean failed() {
        return classification == Classification.HIGH || classification == Classification.LOW
                || (classification == Classification.NODATA && mustHaveData);
    }
}
