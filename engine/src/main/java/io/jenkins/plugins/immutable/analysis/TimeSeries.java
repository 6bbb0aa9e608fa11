package io.jenkins.plugins.immutable.analysis;

import java.util.Arrays;

/**
 * Points of one metric in one scope, oldest first. A missing value is NaN: the source reports it as it is, and the
 * judge removes it (it never becomes zero).
 *
 * @param epochMillis when each point was taken
 * @param values      the values, NaN where the source had none
 */
public record TimeSeries(long[] epochMillis, double[] values) {

    public static final TimeSeries EMPTY = new TimeSeries(new long[0], new double[0]);

    public TimeSeries {
        if (epochMillis.length != values.length) {
            throw new IllegalArgumentException("a time series needs one time per value: " + epochMillis.length
                    + " times, " + values.length + " values");
        }
    }

    /** Values without times, for tests and for sources that have none. */
    public static TimeSeries of(double... values) {
        return new TimeSeries(new long[values.length], values);
    }

    public int size() {
        return values.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TimeSeries t && Arrays.equals(epochMillis, t.epochMillis) && Arrays.equals(values, t.values);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(epochMillis) + Arrays.hashCode(values);
    }

    @Override
    public String toString() {
        return "TimeSeries[" + values.length + " points]";
    }
}
