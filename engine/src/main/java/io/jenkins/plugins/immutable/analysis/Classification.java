package io.jenkins.plugins.immutable.analysis;

/** What the judge made of one metric in one interval. */
public enum Classification {
    /** No difference that counts against the canary. */
    PASS,
    /** The canary is significantly higher than the baseline, beyond the allowed effect size. */
    HIGH,
    /** The canary is significantly lower than the baseline, beyond the allowed effect size. */
    LOW,
    /** Too few points to judge; a failure when the metric must have data. */
    NODATA
}
