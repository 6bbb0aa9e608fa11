package io.jenkins.plugins.immutable.analysis;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.util.Arrays;
import org.junit.Test;

/**
 * The U test against published examples. Each example's data come from the cited source; the published (rounded)
 * results are quoted, and the expected values to full precision were computed independently in Python 3 with SciPy
 * 1.17 and exact rational enumeration, following R's {@code wilcox.test(x, y, conf.int = TRUE)} conventions (see
 * {@code mann-whitney-expected.py} beside these tests): W and the exact p-value by enumerating every ordering of the
 * pooled sample, the normal p-value with {@code scipy.stats.mannwhitneyu(x, y, method='asymptotic',
 * use_continuity=True)}, the estimate as the median of the sorted differences, and the approximate interval by
 * bisecting R's {@code wdiff} function to machine precision.
 */
public class MannWhitneyTest {

    private static final double TOLERANCE = 1e-6;

    /**
     * Hollander and Wolfe (1973), Nonparametric Statistical Methods, p. 69: permeability constants of the human
     * chorioamnion at term (x) and at 12 to 26 weeks of gestation (y); the example of R's wilcox.test help page.
     * Published: W = 35, one-sided exact p = 0.1272.
     */
    private static final double[] TERM = {0.80, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46};
    private static final double[] WEEKS_12_TO_26 = {1.15, 0.88, 0.90, 0.74, 1.21};

    /**
     * New York air quality, 1973 (Chambers, Cleveland, Kleiner and Tukey (1983), Graphical Methods for Data
     * Analysis; R's airquality): ozone in May and August, NA as NaN. Published in R's wilcox.test help page:
     * W = 127.5, p = 0.0001208, normal approximation with tie and continuity correction.
     */
    private static final double N = Double.NaN;
    private static final double[] OZONE_MAY = {41, 36, 12, 18, N, 28, 23, 19, 8, N, 7, 16, 11, 14, 18, 14, 34, 6, 30,
        11, 1, 11, 4, 32, N, N, N, 23, 45, 115, 37};
    private static final double[] OZONE_AUGUST = {39, 9, 16, 78, 35, 66, 122, 89, 110, N, N, 44, 28, 65, N, 22, 59, 23,
        31, 44, 21, 9, N, 45, 168, 73, N, 76, 118, 84, 85};

    /**
     * Motor Trend 1974 road tests (Henderson and Velleman (1981), Biometrics 37, 391-411; R's mtcars): miles per
     * gallon of automatic and manual cars. Published widely as {@code wilcox.test(mpg ~ am, data = mtcars)}:
     * W = 42, p = 0.001871.
     */
    private static final double[] MPG_AUTOMATIC = {21.4, 18.7, 18.1, 14.3, 24.4, 22.8, 19.2, 17.8, 16.4, 17.3, 15.2,
        10.4, 10.4, 14.7, 21.5, 15.5, 15.2, 13.3, 19.2};
    private static final double[] MPG_MANUAL = {21.0, 21.0, 22.8, 32.4, 30.4, 33.9, 27.3, 26.0, 30.4, 15.8, 19.7, 15.0,
        21.4};

    private static double[] present(double[] values) {
        return Arrays.stream(values).filter(v -> !Double.isNaN(v)).toArray();
    }

    @Test
    public void exactTestMatchesHollanderAndWolfe() {
        MannWhitneyResult r = MannWhitney.test(TERM, WEEKS_12_TO_26, 0.95);
        assertTrue("10 and 5 points without ties take the exact distribution", r.exact());
        assertNull(r.z());
        assertEquals(35, r.u(), 0);
        // Two-sided: twice the published one-sided 0.1272; enumerated exactly, 764/3003.
        assertEquals(0.2544122544122544, r.pValue(), TOLERANCE);
        assertEquals(0.305, r.estimate(), TOLERANCE);
        // Exact 95% interval: qwilcox(0.025, 10, 5) = 9, so the 9th and 42nd of the 50 sorted differences.
        assertEquals(-0.15, r.lower(), TOLERANCE);
        assertEquals(0.76, r.upper(), TOLERANCE);
        assertEquals(35.0 / 50, r.commonLanguageEffectSize(), 0);
    }

    @Test
    public void normalApproximationOfHollanderAndWolfeHasContinuityCorrection() {
        MannWhitneyResult r = MannWhitney.test(TERM, WEEKS_12_TO_26, 0.95, MannWhitney.Method.NORMAL);
        assertFalse(r.exact());
        assertEquals(35, r.u(), 0);
        // (35 - 25 - 0.5) / sqrt(50 * 16 / 12)
        assertEquals(9.5 / Math.sqrt(50.0 * 16 / 12), r.z(), 1e-12);
        assertEquals(0.24462360512698333, r.pValue(), TOLERANCE);
        assertEquals(-0.15, r.lower(), TOLERANCE);
        assertEquals(0.76, r.upper(), TOLERANCE);
    }

    @Test
    public void tiedSamplesTakeTheNormalApproximationWithTieCorrection() {
        MannWhitneyResult r = MannWhitney.test(present(OZONE_MAY), present(OZONE_AUGUST), 0.95);
        assertFalse("ties rule the exact distribution out, as in R", r.exact());
        assertEquals(26, r.canarySize());
        assertEquals(26, r.baselineSize());
        assertEquals(127.5, r.u(), 0);
        assertEquals(0.00012080783076877434, r.pValue(), TOLERANCE);
        assertEquals(0.00012080783076877434, r.pValue(), 1e-12);
        assertEquals(-32, r.estimate(), TOLERANCE);
        assertEquals(-53, r.lower(), TOLERANCE);
        assertEquals(-15, r.upper(), TOLERANCE);
    }

    @Test
    public void mtcarsMilesPerGallonByTransmission() {
        MannWhitneyResult r = MannWhitney.test(MPG_AUTOMATIC, MPG_MANUAL, 0.95);
        assertFalse(r.exact());
        assertEquals(42, r.u(), 0);
        assertEquals(0.0018713913331785542, r.pValue(), TOLERANCE);
        // R prints -6.799963 and (-11.699942, -2.900042): its uniroot stops within 1e-4 of these points.
        assertEquals(-6.8, r.estimate(), TOLERANCE);
        assertEquals(-11.7, r.lower(), TOLERANCE);
        assertEquals(-2.9, r.upper(), TOLERANCE);
    }

    @Test
    public void swappingTheSamplesMirrorsEverything() {
        MannWhitneyResult a = MannWhitney.test(MPG_AUTOMATIC, MPG_MANUAL, 0.95);
        MannWhitneyResult b = MannWhitney.test(MPG_MANUAL, MPG_AUTOMATIC, 0.95);
        assertEquals(19 * 13 - a.u(), b.u(), 0);
        assertEquals(a.pValue(), b.pValue(), 1e-15);
        assertEquals(-a.estimate(), b.estimate(), 1e-12);
        assertEquals(-a.upper(), b.lower(), 1e-12);
        assertEquals(-a.lower(), b.upper(), 1e-12);
    }

    @Test
    public void exactDistributionCountsEveryOrdering() {
        // U for m = 4, n = 5 over the C(9, 4) = 126 orderings, counted by enumeration.
        int[] counts = {1, 1, 2, 3, 5, 6, 8, 9, 11, 11, 12, 11, 11, 9, 8, 6, 5, 3, 2, 1, 1};
        ExactU u = ExactU.of(4, 5);
        int cumulative = 0;
        for (int k = 0; k < counts.length; k++) {
            cumulative += counts[k];
            assertEquals("P(U <= " + k + ")", cumulative / 126.0, u.cdf(k), 1e-15);
        }
        assertEquals(2, u.quantile(0.025));
        assertEquals(2 * 2 / 126.0, u.twoSidedP(1), 1e-15);
        assertEquals(2 * 2 / 126.0, u.twoSidedP(19), 1e-15);
        assertEquals(1, u.twoSidedP(10), 0);
    }

    @Test
    public void identicalSamplesShowNoShift() {
        double[] same = {3, 3, 3, 3};
        MannWhitneyResult r = MannWhitney.test(same, same, 0.98);
        assertEquals(1, r.pValue(), 0);
        assertEquals(0, r.estimate(), 0);
        assertEquals(0.5, r.commonLanguageEffectSize(), 0);
    }

    @Test
    public void missingValuesAreRefusedNotZeroed() {
        try {
            MannWhitney.test(OZONE_MAY, OZONE_AUGUST, 0.95);
            throw new AssertionError("NaN must be refused");
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("never replace them by zero"));
        }
    }
}
