package io.jenkins.plugins.immutable.analysis;

/**
 * The exact null distribution of the Mann-Whitney U statistic for samples of sizes m and n without ties: every
 * ordering of the pooled sample is equally likely. Used, as R's {@code wilcox.test} does, when both samples are
 * smaller than 50 and there are no ties.
 */
final class ExactU {

    private final int m;
    private final int n;
    /** cumulative[u] = P(U <= u), u = 0..m*n. */
    private final double[] cumulative;

    private ExactU(int m, int n, double[] cumulative) {
        this.m = m;
        this.n = n;
        this.cumulative = cumulative;
    }

    /**
     * The distribution for sizes m and n. The recursion is on the largest element of the pooled sample: an x there
     * is above all j y's and adds j to U; a y there adds nothing. In probabilities, so every step adds positive
     * numbers: p(i, j; u) = i/(i+j) p(i-1, j; u-j) + j/(i+j) p(i, j-1; u).
     */
    static ExactU of(int m, int n) {
        if (m < 1 || n < 1) {
            throw new IllegalArgumentException("the exact U distribution needs two non-empty samples, not " + m + " and " + n);
        }
        // previous[i] holds p(i, j-1; .) over u = 0..i*(j-1); current[i] holds p(i, j; .).
        double[][] previous = new double[m + 1][];
        for (int i = 0; i <= m; i++) {
            previous[i] = new double[] {1};
        }
        for (int j = 1; j <= n; j++) {
            double[][] current = new double[m + 1][];
            current[0] = new double[] {1};
            for (int i = 1; i <= m; i++) {
                double[] p = new double[i * j + 1];
                double xLast = (double) i / (i + j);
                double yLast = (double) j / (i + j);
                double[] withoutX = current[i - 1];
                for (int u = 0; u < withoutX.length; u++) {
                    p[u + j] += xLast * withoutX[u];
                }
                double[] withoutY = previous[i];
                for (int u = 0; u < withoutY.length; u++) {
                    p[u] += yLast * withoutY[u];
                }
                current[i] = p;
            }
            previous = current;
        }
        double[] density = previous[m];
        double[] cumulative = new double[density.length];
        double sum = 0;
        for (int u = 0; u < density.length; u++) {
            sum += density[u];
            cumulative[u] = Math.min(1, sum);
        }
        return new ExactU(m, n, cumulative);
    }

    /** P(U <= u). */
    double cdf(long u) {
        if (u < 0) {
            return 0;
        }
        if (u >= cumulative.length - 1) {
            return 1;
        }
        return cumulative[(int) u];
    }

    /** The smallest u with P(U <= u) >= p (R's qwilcox). */
    long quantile(double p) {
        for (int u = 0; u < cumulative.length; u++) {
            // A relative slack so that a probability computed as 0.0099999999 still reaches 0.01.
            if (cumulative[u] >= p * (1 - 64 * Math.ulp(1.0))) {
                return u;
            }
        }
        return (long) m * n;
    }

    /**
     * The two-sided p-value of an observed (integer) U, as R computes it: twice the smaller tail, at most 1. The
     * upper tail P(U >= u) is read as P(U <= mn - u), the distribution being symmetric, so it keeps its precision.
     */
    double twoSidedP(long u) {
        double half = (double) m * n / 2;
        double tail = u > half ? cdf((long) m * n - u) : cdf(u);
        return Math.min(1, 2 * tail);
    }
}
