package io.jenkins.plugins.immutable.analysis;

/**
 * The standard normal distribution, written here rather than taken from a statistics library so that the engine
 * carries no dependency a Jenkins plugin would have to bundle. Accurate to about 1e-15 (absolute in the centre,
 * relative in the tails), which p-values far below any confidence level need.
 */
final class Normal {

    /** log(sqrt(2 pi)). */
    private static final double LOG_SQRT_2PI = 0.91893853320467274178;

    private Normal() {
    }

    /** P(Z <= x). */
    static double cdf(double x) {
        if (Double.isNaN(x)) {
            return Double.NaN;
        }
        if (x < -3) {
            return upperTail(-x);
        }
        if (x > 3) {
            return 1 - upperTail(x);
        }
        // Marsaglia (2004): Phi(x) = 1/2 + phi(x) * (x + x^3/3 + x^5/(3*5) + ...); every term has the sign of x.
        double sum = x;
        double previous = 0;
        double term = x;
        double q = x * x;
        for (int i = 1; sum != previous; ) {
            previous = sum;
            i += 2;
            term *= q / i;
            sum = previous + term;
        }
        return 0.5 + sum * Math.exp(-0.5 * q - LOG_SQRT_2PI);
    }

    /** P(Z > x) for x >= 3, from Laplace's continued fraction of the Mills ratio, evaluated from the back. */
    private static double upperTail(double x) {
        if (x > 40) {
            return 0;
        }
        double fraction = x;
        for (int k = 120; k >= 1; k--) {
            fraction = x + k / fraction;
        }
        return Math.exp(-0.5 * x * x - LOG_SQRT_2PI) / fraction;
    }

    /** The x with P(Z <= x) = p, for 0 < p < 1. */
    static double quantile(double p) {
        if (!(p > 0 && p < 1)) {
            throw new IllegalArgumentException("a normal quantile needs a probability strictly between 0 and 1, not " + p);
        }
        if (p == 0.5) {
            return 0;
        }
        // Abramowitz and Stegun 26.2.23 (error below 4.5e-4) as the start, then Halley steps on cdf to full precision.
        double tail = Math.min(p, 1 - p);
        double t = Math.sqrt(-2 * Math.log(tail));
        double x = t - (2.515517 + t * (0.802853 + t * 0.010328))
                / (1 + t * (1.432788 + t * (0.189269 + t * 0.001308)));
        if (p < 0.5) {
            x = -x;
        }
        for (int i = 0; i < 3; i++) {
            // For x > 0 compare upper tails, so that p close to 1 keeps its precision.
            double error = x > 0 ? (1 - p) - upperTailAny(x) : cdf(x) - p;
            double u = error * Math.exp(0.5 * x * x + LOG_SQRT_2PI);
            x = x - u / (1 + 0.5 * x * u);
        }
        return x;
    }

    private static double upperTailAny(double x) {
        return x > 3 ? upperTail(x) : cdf(-x);
    }
}
