package io.jenkins.plugins.immutable.analysis;

/**
 * What one scope's points looked like after missing values (and, if asked, outliers) were removed. Statistics are
 * null when no point was left.
 *
 * @param points          points judged
 * @param missing         points the source reported without a value (NaN), removed and never replaced by zero
 * @param outliersRemoved points removed as outliers
 * @param nonZero         points with a value other than zero: the events, for metrics that count them
 */
public record SampleSummary(int points, int missing, int outliersRemoved, int nonZero, Double mean, Double median,
                            Double min, Double max) {

    static SampleSummary of(double[] sorted, int missing, int outliersRemoved) {
        int n = sorted.length;
        if (n == 0) {
            return new SampleSummary(0, missing, outliersRemoved, 0, null, null, null, null);
        }
        double sum = 0;
        int nonZero = 0;
        for (double v : sorted) {
            sum += v;
            if (v != 0) {
                nonZero++;
            }
        }
        double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        return new SampleSummary(n, missing, outliersRemoved, nonZero, sum / n, median, sorted[0], sorted[n - 1]);
    }
}
