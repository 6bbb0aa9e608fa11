package io.jenkins.plugins.immutable.analysis;

import java.util.Arrays;

/**
 * Sorting of the judge's samples. Sorting is most of the judge's cost after the order statistics, so large arrays
 * are sorted by radix (least significant digit first, 11 bits a pass, skipping digits that every key shares) on the
 * doubles' bit patterns mapped to an unsigned order; the result is the order {@link Arrays#sort(double[])} gives
 * (-0.0 before 0.0). Inputs hold no NaN.
 */
final class Sorting {

    private static final int RADIX_FROM = 1024;
    private static final int BITS = 11;
    private static final int BUCKETS = 1 << BITS;
    private static final int PASSES = (64 + BITS - 1) / BITS;

    private Sorting() {
    }

    static void sort(double[] values) {
        int n = values.length;
        if (n < RADIX_FROM) {
            Arrays.sort(values);
            return;
        }
        long[] keys = new long[n];
        int[][] counts = new int[PASSES][BUCKETS];
        for (int i = 0; i < n; i++) {
            long bits = Double.doubleToRawLongBits(values[i]);
            // Negative numbers: flip every bit (larger magnitude sorts first); positive: flip the sign bit.
            long key = bits ^ ((bits >> 63) | Long.MIN_VALUE);
            keys[i] = key;
            for (int pass = 0; pass < PASSES; pass++) {
                counts[pass][(int) (key >>> (pass * BITS)) & (BUCKETS - 1)]++;
            }
        }
        long[] buffer = new long[n];
        for (int pass = 0; pass < PASSES; pass++) {
            int[] count = counts[pass];
            int shift = pass * BITS;
            if (count[(int) (keys[0] >>> shift) & (BUCKETS - 1)] == n) {
                continue;
            }
            int sum = 0;
            for (int b = 0; b < BUCKETS; b++) {
                int c = count[b];
                count[b] = sum;
                sum += c;
            }
            for (int i = 0; i < n; i++) {
                long key = keys[i];
                buffer[count[(int) (key >>> shift) & (BUCKETS - 1)]++] = key;
            }
            long[] swap = keys;
            keys = buffer;
            buffer = swap;
        }
        for (int i = 0; i < n; i++) {
            long key = keys[i];
            values[i] = Double.longBitsToDouble(key ^ ((~key >> 63) | Long.MIN_VALUE));
        }
    }
}
