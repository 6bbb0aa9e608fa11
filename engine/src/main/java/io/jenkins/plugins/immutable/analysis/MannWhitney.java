package io.jenkins.plugins.immutable.analysis;


/**
 * The two-sided Mann-Whitney U test (Wilcoxon rank-sum test) with a Hodges-Lehmann confidence interval on the shift,
 * following the conventions of R's {@code wilcox.test(canary, baseline, conf.int = TRUE)}, which Kayenta's judge
 * also follows:
 * <ul>
 *   <li>exact p-value and interval when both samples have fewer than 50 points and there are no ties; otherwise the
 *   normal approximation with tie correction and continuity correction;</li>
 *   <li>the estimate is the median of the m*n differences canary - baseline;</li>
 *   <li>exact interval: the differences of rank q and mn + 1 - q, q the alpha/2 quantile of U (at least 1);</li>
 *   <li>approximate interval: the differences at which the corrected statistic crosses -+z; R's {@code uniroot}
 *   searches for the same points numerically (to 1e-4), here they are the order statistics of rank
 *   ceil(mn/2 - 1/2 - z sigma) and mn + 1 minus that, sigma being corrected for the ties within each sample (ties
 *   between the shifted samples happen only at the differences themselves).</li>
 * </ul>
 * Samples are taken as given: callers remove missing values first, and never replace them by zero.
 */
public final class MannWhitney {

    /** R's limit for the exact distribution. */
    static final int EXACT_LIMIT = 50;

    /** Which distribution the p-value and interval come from. */
    public enum Method {
        /** Exact below 50 points per sample without ties, as R chooses; normal approximation otherwise. */
        AUTO,
        /** The exact distribution (refused with ties, and above 1,000 points per sample). */
        EXACT,
        /** The normal approximation with tie and continuity correction. */
        NORMAL
    }

    private MannWhitney() {
    }

    public static MannWhitneyResult test(double[] canary, double[] baseline, double confidence) {
        return test(canary, baseline, confidence, Method.AUTO);
    }

    public static MannWhitneyResult test(double[] canary, double[] baseline, double confidence, Method method) {
        double[] x = sortedFinite(canary, "canary");
        double[] y = sortedFinite(baseline, "baseline");
        if (!(confidence > 0 && confidence < 1)) {
            throw new IllegalArgumentException("the confidence level must lie strictly between 0 and 1, not " + confidence);
        }
        return compute(x, y, confidence, method);
    }

    /** For the judge, which already holds sorted, finite copies. */
    static MannWhitneyResult testSorted(double[] xAscending, double[] yAscending, double confidence) {
        return compute(xAscending, yAscending, confidence, Method.AUTO);
    }

    private static MannWhitneyResult compute(double[] x, double[] y, double confidence, Method method) {
        int m = x.length;
        int n = y.length;
        long mn = (long) m * n;
        Ranks ranks = Ranks.of(x, y);
        double u = ranks.canaryRankSum - (double) m * (m + 1) / 2;
        boolean exact = switch (method) {
            case AUTO -> m < EXACT_LIMIT && n < EXACT_LIMIT && ranks.pooledTieTerm == 0;
            case EXACT -> {
                if (ranks.pooledTieTerm != 0) {
                    throw new IllegalArgumentException("the exact U distribution holds only for samples without ties");
                }
                if (m > 1000 || n > 1000) {
                    throw new IllegalArgumentException("the exact U distribution is limited to 1,000 points per sample");
                }
                yield true;
            }
            case NORMAL -> false;
        };
        double alpha = 1 - confidence;
        Double z;
        double p;
        long lowerRank;
        if (exact) {
            ExactU distribution = ExactU.of(m, n);
            z = null;
            p = distribution.twoSidedP(Math.round(u));
            lowerRank = Math.max(1, distribution.quantile(alpha / 2));
        } else {
            double n1 = m + n;
            double sigma = Math.sqrt((double) mn / 12 * ((n1 + 1) - ranks.pooledTieTerm / (n1 * (n1 - 1))));
            double centred = u - (double) mn / 2;
            if (sigma == 0) {
                // Every point of both samples is the same value: no evidence of any shift.
                z = 0.0;
                p = 1;
            } else {
                double zValue = (centred - Math.signum(centred) * 0.5) / sigma;
                z = zValue;
                p = Math.min(1, 2 * Math.min(Normal.cdf(zValue), Normal.cdf(-zValue)));
            }
            double sigmaInterval = Math.sqrt((double) mn / 12
                    * ((n1 + 1) - (ranks.canaryTieTerm + ranks.baselineTieTerm) / (n1 * (n1 - 1))));
            double quantile = Normal.quantile(1 - alpha / 2);
            lowerRank = (long) Math.ceil((double) mn / 2 - 0.5 - quantile * sigmaInterval);
            lowerRank = Math.max(1, Math.min(lowerRank, (mn + 1) / 2));
        }
        // All four order statistics in one selection: the interval's bounds and the one or two middle differences.
        long middleLow = (mn + 1) / 2;
        long middleHigh = mn / 2 + 1;
        double[] at = new PairwiseDifferences(x, y).select(lowerRank, mn + 1 - lowerRank, middleLow, middleHigh);
        double lower = at[0];
        double upper = at[1];
        double estimate = (at[2] + at[3]) / 2;
        return new MannWhitneyResult(m, n, u, z, p, exact, estimate, lower, upper, confidence);
    }

    private static double[] sortedFinite(double[] values, String what) {
        if (values == null || values.length == 0) {
            throw new IllegalArgumentException("the " + what + " sample is empty; the U test needs points on both sides");
        }
        double[] copy = values.clone();
        for (double v : copy) {
            if (!Double.isFinite(v)) {
                throw new IllegalArgumentException("the " + what + " sample holds " + v
                        + "; remove missing values before the test (never replace them by zero)");
            }
        }
        Sorting.sort(copy);
        return copy;
    }

    /** Rank sum of the canary in the pooled sample (average ranks for ties) and the tie terms sum(t^3 - t). */
    private record Ranks(double canaryRankSum, double pooledTieTerm, double canaryTieTerm, double baselineTieTerm) {

        static Ranks of(double[] x, double[] y) {
            int i = 0;
            int j = 0;
            long rank = 0;
            double rankSum = 0;
            double pooled = 0;
            while (i < x.length || j < y.length) {
                double v = i < x.length && (j >= y.length || x[i] <= y[j]) ? x[i] : y[j];
                int inX = 0;
                while (i < x.length && x[i] == v) {
                    i++;
                    inX++;
                }
                int inY = 0;
                while (j < y.length && y[j] == v) {
                    j++;
                    inY++;
                }
                double t = inX + inY;
                // The tied group occupies ranks rank+1 .. rank+t; each gets their mean.
                rankSum += inX * (rank + (t + 1) / 2);
                rank += inX + inY;
                pooled += t * t * t - t;
            }
            return new Ranks(rankSum, pooled, tieTerm(x), tieTerm(y));
        }

        private static double tieTerm(double[] sorted) {
            double term = 0;
            for (int i = 0; i < sorted.length; ) {
                int k = i;
                while (k < sorted.length && sorted[k] == sorted[i]) {
                    k++;
                }
                double t = k - i;
                term += t * t * t - t;
                i = k;
            }
            return term;
        }
    }
}
