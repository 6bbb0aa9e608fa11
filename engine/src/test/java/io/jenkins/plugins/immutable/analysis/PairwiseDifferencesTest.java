package io.jenkins.plugins.immutable.analysis;

import static org.junit.Assert.assertEquals;

import java.util.Arrays;
import java.util.Random;
import org.junit.Test;

public class PairwiseDifferencesTest {

    /** Every difference, sorted: what the selection must agree with, order statistic by order statistic. */
    private static double[] bruteForce(double[] x, double[] y) {
        double[] all = new double[x.length * y.length];
        int k = 0;
        for (double a : x) {
            for (double b : y) {
                all[k++] = a - b;
            }
        }
        Arrays.sort(all);
        return all;
    }

    private static void assertEveryRankMatches(double[] x, double[] y, int stride) {
        Arrays.sort(x);
        Arrays.sort(y);
        double[] expected = bruteForce(x, y);
        PairwiseDifferences differences = new PairwiseDifferences(x, y);
        for (int k = 1; k <= expected.length; k += stride) {
            assertEquals("rank " + k, expected[k - 1], differences.kth(k), 0);
        }
        assertEquals(expected[expected.length - 1], differences.kth(expected.length), 0);
    }

    @Test
    public void smallSamplesMatchEverySortedDifference() {
        assertEveryRankMatches(new double[] {0.80, 0.83, 1.89, 1.04, 1.45}, new double[] {1.15, 0.88, 0.90}, 1);
    }

    @Test
    public void largeContinuousSamplesMatchTheSortedDifferences() {
        Random random = new Random(7);
        double[] x = random.doubles(700).map(v -> v * 3 + 1).toArray();
        double[] y = random.doubles(900).map(v -> v * 2).toArray();
        // 630,000 differences: pivots come from the nested grids, then the bands are narrowed and gathered.
        assertEveryRankMatches(x, y, 997);
    }

    @Test
    public void samplesTooShortForAGridMatchTheSortedDifferences() {
        // 105,000 differences from samples under 400 points: pivots come from stratified samples of the candidates.
        Random random = new Random(5);
        double[] x = random.doubles(350).map(v -> Math.exp(v * 2)).toArray();
        double[] y = random.doubles(300).map(v -> Math.exp(v * 2 + 0.1)).toArray();
        assertEveryRankMatches(x, y, 101);
    }

    @Test
    public void heavilyTiedSamplesMatchTheSortedDifferences() {
        Random random = new Random(11);
        double[] x = random.ints(800, 0, 4).asDoubleStream().toArray();
        double[] y = random.ints(600, 0, 3).asDoubleStream().toArray();
        assertEveryRankMatches(x, y, 1009);
    }

    @Test
    public void manyTiesAmongManyDistinctValuesMatchTheSortedDifferences() {
        // 100 x 80 distinct values: too many to tabulate, so the walks split the tied runs.
        Random random = new Random(13);
        double[] x = random.ints(900, 0, 100).asDoubleStream().toArray();
        double[] y = random.ints(700, 0, 80).asDoubleStream().toArray();
        assertEveryRankMatches(x, y, 1013);
    }

    @Test
    public void medianOfAnEvenNumberOfDifferencesIsTheMeanOfTheMiddleTwo() {
        double[] x = {1, 2};
        double[] y = {0, 10};
        // differences: -9, -8, 1, 2
        assertEquals(-3.5, new PairwiseDifferences(x, y).median(), 0);
    }
}
