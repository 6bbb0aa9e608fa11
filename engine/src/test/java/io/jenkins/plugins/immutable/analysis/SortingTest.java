package io.jenkins.plugins.immutable.analysis;

import static org.junit.Assert.assertArrayEquals;

import java.util.Arrays;
import java.util.Random;
import org.junit.Test;

public class SortingTest {

    private static void assertSortsAsArraysSort(double[] values) {
        double[] expected = values.clone();
        Arrays.sort(expected);
        double[] actual = values.clone();
        Sorting.sort(actual);
        // assertArrayEquals on doubles compares bit patterns through Double.equals: -0.0 and 0.0 must be in place.
        assertArrayEquals(expected, actual, 0);
        for (int i = 0; i < expected.length; i++) {
            if (Double.doubleToRawLongBits(expected[i]) != Double.doubleToRawLongBits(actual[i])) {
                throw new AssertionError("position " + i + ": " + expected[i] + " != " + actual[i]);
            }
        }
    }

    @Test
    public void largeArraysOfMixedSignsSortAsArraysSortDoes() {
        Random random = new Random(3);
        double[] values = random.doubles(20_000).map(v -> (v - 0.5) * Math.pow(10, random.nextInt(40) - 20)).toArray();
        values[5] = -0.0;
        values[6] = 0.0;
        values[7] = Double.POSITIVE_INFINITY;
        values[8] = Double.NEGATIVE_INFINITY;
        values[9] = Double.MIN_VALUE;
        values[10] = -Double.MAX_VALUE;
        assertSortsAsArraysSort(values);
    }

    @Test
    public void countsWithManyTiesSortAsArraysSortDoes() {
        Random random = new Random(4);
        assertSortsAsArraysSort(random.ints(5_000, 0, 7).asDoubleStream().toArray());
        assertSortsAsArraysSort(new double[3_000]);
    }

    @Test
    public void smallArraysSort() {
        assertSortsAsArraysSort(new double[] {3, -1, 2, 0, -0.0});
    }
}
