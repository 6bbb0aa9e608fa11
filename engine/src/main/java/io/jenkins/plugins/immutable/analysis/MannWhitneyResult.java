package io.jenkins.plugins.immutable.analysis;

/**
 * A two-sided Mann-Whitney U test of canary against baseline, with the Hodges-Lehmann estimate of the shift
 * (canary minus baseline) and its confidence interval: every number the judge's classification rests on.
 *
 * @param canarySize     m, the canary's points
 * @param baselineSize   n, the baseline's points
 * @param u              the canary's U: pairs (canary, baseline) with the canary higher, ties counting one half
 *                       (R's {@code W})
 * @param z              the standardised U with tie and continuity correction; null when the p-value is exact
 * @param pValue         the two-sided p-value
 * @param exact          whether p-value and interval come from the exact distribution (both samples under 50
 *                       points, no ties) rather than the normal approximation
 * @param estimate       the Hodges-Lehmann estimate: the median of all canary - baseline differences
 * @param lower          the interval's lower bound on the shift
 * @param upper          the interval's upper bound on the shift
 * @param confidence     the interval's confidence level, for example 0.98
 */
public record MannWhitneyResult(int canarySize, int baselineSize, double u, Double z, double pValue, boolean exact,
                                double estimate, double lower, double upper, double confidence) {

    /**
     * The common-language effect size: the probability that a canary point exceeds a baseline point, ties counting
     * one half (0.5 = no difference).
     */
    public double commonLanguageEffectSize() {
        return u / ((double) canarySize * baselineSize);
    }
}
