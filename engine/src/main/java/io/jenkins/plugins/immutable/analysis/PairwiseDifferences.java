package io.jenkins.plugins.immutable.analysis;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The m*n differences x[i] - y[j] of two samples, of which the Hodges-Lehmann estimate and its confidence interval
 * are order statistics. They are never all materialised (10,000 x 10,000 would be 800 MB). With x ascending and y
 * descending they form a matrix sorted along rows and columns, so one walk along the staircase counts the
 * differences at or below a value in O(m + n) and, at the same time, marks where each row crosses it. The ranks
 * asked for are found together: pivots just below and above each rank come from a coarser grid of the same matrix
 * (nested until small) or, for short samples, from a stratified sample of the candidates (Floyd and Rivest's idea);
 * a walk per pivot narrows the candidates to the bands between them, and once a band is small its values are
 * gathered and the ranks selected directly. Samples with few distinct values (counts) are tabulated instead. The
 * results are exact whatever the pivots; the pivots decide only how many walks it takes (about a dozen for 10,000
 * points per sample).
 */
final class PairwiseDifferences {

    private static final int SAMPLE = 4096;
    /**
     * Sample ranks either side of a target. A stratified sample places a target's rank more tightly than a random
     * one (whose standard deviation is at most sqrt(SAMPLE)/2); a miss costs one more round, never a wrong result.
     */
    private static final int MARGIN = (int) Math.ceil(Math.sqrt(SAMPLE));

    private final double[] x;
    private final double[] yDescending;
    private final int m;
    private final int n;
    private final int gatherLimit;
    /**
     * For samples with few distinct values (counts of events, mostly): every distinct difference once, ascending,
     * with the number of pairs at or below it. Null when the values are too many to tabulate.
     */
    private final double[] tabulated;
    private final long[] cumulative;
    /** Fixed seed: the sample changes only the running time, never a result, and runs stay reproducible. */
    private final SplittableRandom random = new SplittableRandom(0x5EEDL);

    /** Both arrays sorted ascending and free of NaN; they are not copied. */
    PairwiseDifferences(double[] xAscending, double[] yAscending) {
        if (xAscending.length == 0 || yAscending.length == 0) {
            throw new IllegalArgumentException("differences need two non-empty samples");
        }
        this.x = xAscending;
        this.m = xAscending.length;
        this.n = yAscending.length;
        this.yDescending = new double[n];
        for (int j = 0; j < n; j++) {
            yDescending[j] = yAscending[n - 1 - j];
        }
        this.gatherLimit = Math.max(16_384, 2 * (m + n));
        double[][] xDistinct = distinct(xAscending);
        double[][] yDistinct = distinct(yAscending);
        int cells = xDistinct[0].length * yDistinct[0].length;
        if (cells <= TABULATE_LIMIT) {
            double[] differences = new double[cells];
            double[] weights = new double[cells];
            Integer[] order = new Integer[cells];
            int c = 0;
            for (int i = 0; i < xDistinct[0].length; i++) {
                for (int j = 0; j < yDistinct[0].length; j++) {
                    differences[c] = xDistinct[0][i] - yDistinct[0][j];
                    weights[c] = xDistinct[1][i] * yDistinct[1][j];
                    order[c] = c;
                    c++;
                }
            }
            Arrays.sort(order, (a, b) -> Double.compare(differences[a], differences[b]));
            double[] values = new double[cells];
            long[] atOrBelow = new long[cells];
            int v = -1;
            long sum = 0;
            for (int o : order) {
                sum += (long) weights[o];
                // Equal differences from different pairs become one entry (== also joins -0.0 and 0.0).
                if (v < 0 || differences[o] != values[v]) {
                    values[++v] = differences[o];
                }
                atOrBelow[v] = sum;
            }
            this.tabulated = Arrays.copyOf(values, v + 1);
            this.cumulative = Arrays.copyOf(atOrBelow, v + 1);
        } else {
            this.tabulated = null;
            this.cumulative = null;
        }
    }

    private static final int TABULATE_LIMIT = 4096;

    /** Distinct values of a sorted array and how often each occurs (as doubles, for the products). */
    private static double[][] distinct(double[] sorted) {
        int d = 0;
        for (int i = 0; i < sorted.length; i++) {
            if (i == 0 || sorted[i] != sorted[i - 1]) {
                d++;
                if (d > TABULATE_LIMIT) {
                    return new double[][] {new double[TABULATE_LIMIT + 1], null};
                }
            }
        }
        double[] values = new double[d];
        double[] counts = new double[d];
        int k = -1;
        for (int i = 0; i < sorted.length; i++) {
            if (i == 0 || sorted[i] != sorted[i - 1]) {
                values[++k] = sorted[i];
            }
            counts[k]++;
        }
        return new double[][] {values, counts};
    }

    long size() {
        return (long) m * n;
    }

    /** The median of the differences: the Hodges-Lehmann estimate of the shift x - y. */
    double median() {
        long size = size();
        if (size % 2 == 1) {
            return kth((size + 1) / 2);
        }
        double[] middle = select(size / 2, size / 2 + 1);
        return (middle[0] + middle[1]) / 2;
    }

    /** The k-th smallest difference, k from 1 to m*n. */
    double kth(long k) {
        return select(k)[0];
    }

    /** The differences of the given ranks (1-based, any order), in the order asked. */
    double[] select(long... ranks) {
        long[] sorted = ranks.clone();
        Arrays.sort(sorted);
        for (long k : sorted) {
            if (k < 1 || k > size()) {
                throw new IllegalArgumentException("no difference of rank " + k + " among " + size());
            }
        }
        if (tabulated != null) {
            double[] result = new double[ranks.length];
            for (int i = 0; i < ranks.length; i++) {
                int at = Arrays.binarySearch(cumulative, ranks[i]);
                result[i] = tabulated[at >= 0 ? at : -at - 1];
            }
            return result;
        }
        long[] distinct = Arrays.stream(sorted).distinct().toArray();
        double[] values = new double[distinct.length];
        int[] from = new int[m];
        int[] to = new int[m];
        Arrays.fill(to, n);
        Band all = new Band(from, to, 0, size());
        if (size() > gatherLimit && m >= GRID_MIN && n >= GRID_MIN) {
            partition(all, gridPivots(distinct), distinct, 0, distinct.length, values);
        } else {
            refine(all, distinct, 0, distinct.length, values);
        }
        double[] result = new double[ranks.length];
        for (int i = 0; i < ranks.length; i++) {
            result[i] = values[Arrays.binarySearch(distinct, ranks[i])];
        }
        return result;
    }

    /** Block length of the grid; samples shorter than {@link #GRID_MIN} go straight to sampling. */
    private static final int GRID = 10;
    private static final int GRID_MIN = 40 * GRID;

    /**
     * Pivots just below and above each target, from the differences of a grid: the centre of every slice of about
     * GRID consecutive order statistics of x and of y. A grid difference of grid rank r has a full rank close to
     * r * (mn / grid size): each grid cell stands for a GRID x GRID block of the sorted matrix, and only the blocks
     * the staircase at a value crosses are miscounted, by errors of both signs that largely cancel (for 10,000
     * points per sample the full rank is off by about a thousand in 10^8, a few thousand at most). The grid's own
     * order statistics come from the same algorithm, so grids nest until they are small enough to gather. A pivot
     * that misses only costs another round.
     */
    private double[] gridPivots(long[] targets) {
        double[] xGrid = blockCentres(x, false);
        double[] yGrid = blockCentres(yDescending, true);
        PairwiseDifferences grid = new PairwiseDifferences(xGrid, yGrid);
        double scale = (double) grid.size() / size();
        // Margin in grid ranks: about three standard deviations of the rank error, which is near GRID^1.5 sqrt(m + n) / 4
        // full ranks (measured: sd 600 to 1,100, at most 2,500, for 1,000 to 10,000 points per sample and GRID 10).
        long margin = (long) Math.ceil(0.75 * Math.sqrt((m + n) / (double) GRID)) + 2;
        // Windows of grid ranks around the targets (ascending), merged where they overlap; pivots at their edges.
        long[] ranks = new long[2 * targets.length];
        int r = 0;
        for (long target : targets) {
            long centre = Math.round(target * scale);
            long left = Math.max(1, centre - margin);
            long right = Math.min(grid.size(), centre + margin);
            if (r > 0 && left <= ranks[r - 1]) {
                ranks[r - 1] = Math.max(ranks[r - 1], right);
            } else {
                ranks[r++] = left;
                ranks[r++] = right;
            }
        }
        double[] pivots = grid.select(Arrays.copyOf(ranks, r));
        Arrays.sort(pivots);
        return Arrays.stream(pivots).distinct().toArray();
    }

    /**
     * The value at the centre of each of ceil(length / GRID) equal slices of the sorted sample, interpolated between
     * neighbours, ascending. Taking an element near the centre instead would shift x's and y's representatives by up
     * to half an element in directions that depend on the lengths, which biases every rank estimate by thousands.
     */
    private static double[] blockCentres(double[] sorted, boolean descending) {
        int length = sorted.length;
        int blocks = (length + GRID - 1) / GRID;
        double[] centres = new double[blocks];
        for (int b = 0; b < blocks; b++) {
            double position = (b + 0.5) * length / blocks - 0.5;
            int below = (int) Math.floor(position);
            int above = Math.min(below + 1, length - 1);
            double low = descending ? sorted[length - 1 - below] : sorted[below];
            double high = descending ? sorted[length - 1 - above] : sorted[above];
            centres[b] = low + (position - below) * (high - low);
        }
        return centres;
    }

    /**
     * Candidates: in row i, the columns [from[i], to[i]); {@code below} differences lie under all of them, and there
     * are {@code count} of them.
     */
    private record Band(int[] from, int[] to, long below, long count) {
    }

    /** Finds targets[lo..hi) (sorted ranks, all within the band) and stores them in values[lo..hi). */
    private void refine(Band band, long[] targets, int lo, int hi, double[] values) {
        if (band.count <= gatherLimit) {
            int[] ranks = new int[hi - lo];
            for (int t = lo; t < hi; t++) {
                ranks[t - lo] = (int) (targets[t] - band.below - 1);
            }
            System.arraycopy(selectAll(gather(band), ranks), 0, values, lo, hi - lo);
            return;
        }
        double[] sample = sample(band);
        // Sample ranks either side of each target, merged where the windows overlap.
        List<int[]> windows = new ArrayList<>();
        for (int t = lo; t < hi; t++) {
            int centre = (int) ((double) (targets[t] - band.below) / band.count * SAMPLE);
            int left = Math.max(0, centre - MARGIN);
            int right = Math.min(SAMPLE - 1, centre + MARGIN);
            int[] last = windows.isEmpty() ? null : windows.get(windows.size() - 1);
            if (last != null && left <= last[1]) {
                last[1] = Math.max(last[1], right);
            } else {
                windows.add(new int[] {left, right});
            }
        }
        int[] ranks = new int[2 * windows.size()];
        int p = 0;
        for (int[] w : windows) {
            if (w[0] > 0) {
                ranks[p++] = w[0];
            }
            if (w[1] < SAMPLE - 1) {
                ranks[p++] = w[1];
            }
        }
        if (p == 0) {
            // The windows cover the whole sample: split at its middle so that the band still shrinks.
            ranks[p++] = SAMPLE / 2;
        }
        double[] pivots = Arrays.stream(selectAll(sample, Arrays.copyOf(ranks, p))).distinct().toArray();
        partition(band, pivots, targets, lo, hi, values);
    }

    /**
     * Walks the pivots (ascending, distinct, values of differences within the band) and goes on into each band
     * between consecutive pivots that holds targets.
     */
    private void partition(Band band, double[] pivots, long[] targets, int lo, int hi, double[] values) {
        int[][] positions = new int[pivots.length][];
        long[] counts = new long[pivots.length];
        for (int q = 0; q < pivots.length; q += 2) {
            positions[q] = new int[m];
            if (q + 1 < pivots.length) {
                positions[q + 1] = new int[m];
                walk(pivots[q], positions[q], pivots[q + 1], positions[q + 1], band, counts, q);
            } else {
                counts[q] = walk(pivots[q], positions[q], band);
            }
        }
        // The bands between consecutive pivots, each with its targets.
        int[] previous = band.from;
        long previousCount = band.below;
        int t = lo;
        for (int q = 0; q <= pivots.length && t < hi; q++) {
            int[] at = q < pivots.length ? positions[q] : band.to;
            long count = q < pivots.length ? counts[q] : band.below + band.count;
            int first = t;
            while (t < hi && targets[t] <= count) {
                t++;
            }
            if (t > first) {
                Band sub = new Band(previous, at, previousCount, count - previousCount);
                if (sub.count == band.count) {
                    splitAtTies(sub, pivots[Math.min(q, pivots.length - 1)], targets, first, t, values);
                } else {
                    refine(sub, targets, first, t, values);
                }
            }
            previous = at;
            previousCount = count;
        }
    }

    /**
     * A band that did not shrink: its candidates are largely one value v (heavy ties). Split it three ways, below v,
     * equal to v, above v; the middle holds at least one candidate, so the rest shrinks.
     */
    private void splitAtTies(Band band, double v, long[] targets, int lo, int hi, double[] values) {
        int[] atLeast = new int[m];
        long below = walkStrict(v, atLeast, band);
        int[] above = new int[m];
        long atOrBelow = walk(v, above, band);
        int t = lo;
        int first = t;
        while (t < hi && targets[t] <= below) {
            t++;
        }
        if (t > first) {
            refine(new Band(band.from, atLeast, band.below, below - band.below), targets, first, t, values);
        }
        while (t < hi && targets[t] <= atOrBelow) {
            values[t++] = v;
        }
        if (t < hi) {
            refine(new Band(above, band.to, atOrBelow, band.below + band.count - atOrBelow), targets, t, hi, values);
        }
    }

    /**
     * Counts the differences at or below t and stores, per row, the first column above t. In row i the differences
     * ascend with j, and each row lies at or above the previous one, so that column never moves right as i grows;
     * within the band it lies between from[i] and to[i].
     */
    private long walk(double t, int[] positions, Band band) {
        long count = 0;
        int p = n;
        int[] to = band.to;
        int[] from = band.from;
        for (int i = 0; i < m; i++) {
            double xi = x[i];
            if (p > to[i]) {
                p = to[i];
            }
            int floor = from[i];
            while (p > floor && xi - yDescending[p - 1] > t) {
                p--;
            }
            positions[i] = p;
            count += p;
        }
        return count;
    }

    /**
     * Two walks in one pass, for pivots t1 < t2: the rows are read once, and the lower pointer starts each row from
     * the upper one's position, which bounds it.
     */
    private void walk(double t1, int[] positions1, double t2, int[] positions2, Band band, long[] counts, int q) {
        long count1 = 0;
        long count2 = 0;
        int p1 = n;
        int p2 = n;
        int[] to = band.to;
        int[] from = band.from;
        for (int i = 0; i < m; i++) {
            double xi = x[i];
            int ceiling = to[i];
            int floor = from[i];
            if (p2 > ceiling) {
                p2 = ceiling;
            }
            while (p2 > floor && xi - yDescending[p2 - 1] > t2) {
                p2--;
            }
            if (p1 > p2) {
                p1 = p2;
            }
            while (p1 > floor && xi - yDescending[p1 - 1] > t1) {
                p1--;
            }
            positions1[i] = p1;
            positions2[i] = p2;
            count1 += p1;
            count2 += p2;
        }
        counts[q] = count1;
        counts[q + 1] = count2;
    }

    /** As {@link #walk}, for differences strictly below t: per row, the first column at or above t. */
    private long walkStrict(double t, int[] positions, Band band) {
        long count = 0;
        int p = n;
        for (int i = 0; i < m; i++) {
            double xi = x[i];
            if (p > band.to[i]) {
                p = band.to[i];
            }
            int floor = band.from[i];
            while (p > floor && xi - yDescending[p - 1] >= t) {
                p--;
            }
            positions[i] = p;
            count += p;
        }
        return count;
    }

    /** A stratified sample of the band: one candidate drawn from each of SAMPLE equal slices, in row order. */
    private double[] sample(Band band) {
        double[] sample = new double[SAMPLE];
        double slice = (double) band.count / SAMPLE;
        int row = 0;
        long rowStart = 0;
        for (int s = 0; s < SAMPLE; s++) {
            long r = Math.min(band.count - 1, (long) ((s + random.nextDouble()) * slice));
            while (rowStart + (band.to[row] - band.from[row]) <= r) {
                rowStart += band.to[row] - band.from[row];
                row++;
            }
            sample[s] = x[row] - yDescending[band.from[row] + (int) (r - rowStart)];
        }
        return sample;
    }

    /**
     * The values of the given ascending ranks (0-based), which values it reorders. Each selection leaves everything
     * above its rank to its right, so the next one searches only there.
     */
    static double[] selectAll(double[] values, int[] ascendingRanks) {
        double[] result = new double[ascendingRanks.length];
        int left = 0;
        for (int r = 0; r < ascendingRanks.length; r++) {
            result[r] = select(values, left, values.length - 1, ascendingRanks[r]);
            left = ascendingRanks[r];
        }
        return result;
    }

    private double[] gather(Band band) {
        double[] values = new double[(int) band.count];
        int v = 0;
        for (int i = 0; i < m; i++) {
            double xi = x[i];
            for (int j = band.from[i]; j < band.to[i]; j++) {
                values[v++] = xi - yDescending[j];
            }
        }
        return values;
    }

    /** The k-th smallest (0-based) of values, which it reorders: quickselect with a median-of-three pivot. */
    static double select(double[] values, int k) {
        return select(values, 0, values.length - 1, k);
    }

    /** The k-th smallest (0-based) of the whole array, searched in [left, right], which must hold it. */
    private static double select(double[] values, int left, int right, int k) {
        while (right > left) {
            int mid = (left + right) >>> 1;
            double a = values[left];
            double b = values[mid];
            double c = values[right];
            double pivot = Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
            int i = left;
            int j = right;
            while (i <= j) {
                while (values[i] < pivot) {
                    i++;
                }
                while (values[j] > pivot) {
                    j--;
                }
                if (i <= j) {
                    double tmp = values[i];
                    values[i] = values[j];
                    values[j] = tmp;
                    i++;
                    j--;
                }
            }
            if (k <= j) {
                right = j;
            } else if (k >= i) {
                left = i;
            } else {
                return values[k];
            }
        }
        return values[k];
    }
}
