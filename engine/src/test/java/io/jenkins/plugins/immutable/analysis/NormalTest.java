package io.jenkins.plugins.immutable.analysis;

import static org.junit.Assert.assertEquals;

import org.junit.Test;

/**
 * Expected values are SciPy 1.17's {@code scipy.stats.norm.cdf}, {@code .sf} and {@code .ppf} (Cephes' ndtr and
 * ndtri), printed with repr.
 */
public class NormalTest {

    @Test
    public void cdfMatchesReferenceValuesAcrossTheRange() {
        double[][] cases = {
            {-8, 6.22096057427174e-16},
            {-5, 2.866515718791933e-07},
            {-3.5, 0.00023262907903552502},
            {-3, 0.0013498980316300933},
            {-1.96, 0.024997895148220435},
            {-1, 0.15865525393145707},
            {0, 0.5},
            {0.5, 0.6914624612740131},
            {2.326, 0.9899907246591323},
            {3.2, 0.9993128620620841},
            {6, 0.9999999990134123},
        };
        for (double[] c : cases) {
            assertEquals("cdf(" + c[0] + ")", c[1], Normal.cdf(c[0]), 1e-15);
        }
    }

    @Test
    public void farTailsKeepTheirRelativePrecision() {
        assertEquals(1, Normal.cdf(-8) / 6.22096057427174e-16, 1e-12);
        assertEquals(1, Normal.cdf(-6) / 9.865876450376946e-10, 1e-12);
        assertEquals(1, Normal.cdf(-3.2) / 0.0006871379379158471, 1e-12);
    }

    @Test
    public void quantileInvertsTheCdf() {
        double[][] cases = {
            {1e-10, -6.361340902404056},
            {0.01, -2.3263478740408408},
            {0.025, -1.9599639845400545},
            {0.5, 0},
            {0.9, 1.2815515655446004},
            {0.975, 1.959963984540054},
            {0.99, 2.3263478740408408},
            {0.995, 2.5758293035489004},
            {1 - 1e-9, 5.997807019601637},
        };
        for (double[] c : cases) {
            assertEquals("quantile(" + c[0] + ")", c[1], Normal.quantile(c[0]), 1e-9);
        }
        assertEquals(2.3263478740408408, Normal.quantile(0.99), 1e-14);
    }

    @Test(expected = IllegalArgumentException.class)
    public void quantileRefusesProbabilitiesOutsideTheOpenInterval() {
        Normal.quantile(1);
    }
}
