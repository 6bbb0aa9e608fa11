package io.jenkins.plugins.immutable.promote;

import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.analysis.PrometheusSource;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The error-budget gate's settings: how to read an environment's error ratio from Prometheus, the SLO, and the burn
 * rate each window must stay under (the Google SRE workbook's multi-window burn rate: burn rate = error ratio /
 * (1 - SLO); the page-worthy pair for a 30-day SLO is 14.4 over 1 h and over 5 min).
 *
 * @param source     Prometheus
 * @param errorRatio PromQL giving the share of failed requests (0 to 1), with {@code ${window}} (a PromQL duration
 *                   such as {@code 1h}) and {@code ${scope}} (the environment's series: {@code proxy="<environment>"}
 *                   for HAProxy's exporter) or {@code ${environment}}
 * @param objective  the SLO as a fraction, e.g. 0.999
 * @param windows    the windows and their burn-rate thresholds, longest first
 */
public record SloPolicy(PrometheusSource source, String errorRatio, double objective, List<BurnWindow> windows) {

    private static final Pattern WINDOW = Pattern.compile("\\$\\{window}");
    private static final Pattern SCOPE = Pattern.compile("\\$\\{(scope|environment)}");

    /** One window and the burn rate it must stay under. */
    public record BurnWindow(Duration window, double threshold) {
        public BurnWindow {
            Objects.requireNonNull(window, "window");
            if (window.isNegative() || window.isZero() || window.toMillis() % 1000 != 0) {
                throw EngineException.badInput("a burn-rate window must be a positive whole number of seconds, not "
                        + window);
            }
            if (!(threshold > 0)) {
                throw EngineException.badInput("a burn-rate threshold must be positive, not " + threshold);
            }
        }
    }

    /**
     * One environment's burn over every window at one moment.
     *
     * @param environment the environment
     * @param figures     per window, longest first: the error ratio, the burn rate and its threshold, in words
     * @param burning     whether every window is at or over its threshold
     */
    public record Burn(String environment, List<String> figures, boolean burning) {
        public Burn {
            figures = List.copyOf(figures);
        }

        @Override
        public String toString() {
            return environment + " (" + String.join("; ", figures) + ")";
        }
    }

    public SloPolicy {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(errorRatio, "errorRatio");
        requireQuery(errorRatio);
        if (!(objective > 0 && objective < 1)) {
            throw EngineException.badInput("the SLO must lie between 0 and 100%, not " + objective * 100 + "%");
        }
        windows = windows.stream().sorted(Comparator.comparing(BurnWindow::window).reversed()).toList();
        if (windows.isEmpty()) {
            throw EngineException.badInput("the error-budget gate needs at least one window, e.g. 1h and 5m");
        }
    }

    /** BAD_INPUT unless the query has {@code ${window}} and {@code ${scope}} (or {@code ${environment}}). */
    public static void requireQuery(String query) {
        if (!WINDOW.matcher(query).find() || !SCOPE.matcher(query).find()) {
            throw EngineException.badInput("the error-ratio query needs ${window} where the range goes and ${scope}"
                    + " (or ${environment}) where the environment's label selector goes, e.g."
                    + " sum(rate(haproxy_backend_http_responses_total{${scope},code=\"5xx\"}[${window}])) /"
                    + " sum(rate(haproxy_backend_http_responses_total{${scope}}[${window}])). In Jenkins"
                    + " Configuration as Code, write ^${scope} and ^${window}");
        }
    }

    /** The query for one environment and window. */
    public String query(String environment, Duration window) {
        String label = environment.replace("\\", "\\\\").replace("\"", "\\\"");
        return errorRatio.replace("${scope}", "proxy=\"" + label + "\"").replace("${environment}", label)
                .replace("${window}", promDuration(window));
    }

    /**
     * Reads the environment's error ratio over every window at {@code now}. A window without requests burns nothing,
     * so an environment with an empty window is not burning.
     *
     * @throws EngineException OUTAGE when Prometheus cannot be reached, BAD_INPUT when it rejects the query
     */
    public Burn burn(String environment, Instant now) {
        List<String> figures = new ArrayList<>();
        boolean allOver = true;
        for (BurnWindow w : windows) {
            String window = promDuration(w.window());
            List<Double> values = source.instant(query(environment, w.window()), now,
                    "the error ratio of " + environment + " over " + window);
            double ratio = values.stream().filter(v -> !v.isNaN()).mapToDouble(Double::doubleValue).max()
                    .orElse(Double.NaN);
            if (Double.isNaN(ratio)) {
                figures.add(window + ": no requests (burn rate 0, threshold " + number(w.threshold()) + ")");
                allOver = false;
                continue;
            }
            double rate = ratio / (1 - objective);
            figures.add(window + ": error ratio " + percent(ratio) + ", burn rate " + number(rate)
                    + (rate >= w.threshold() ? " >= " : " < ") + number(w.threshold()));
            allOver &= rate >= w.threshold();
        }
        return new Burn(environment, figures, allOver);
    }

    /** A PromQL duration: {@code 1h}, {@code 5m}, {@code 90s}. */
    static String promDuration(Duration d) {
        long s = d.getSeconds();
        return s % 3600 == 0 ? s / 3600 + "h" : s % 60 == 0 ? s / 60 + "m" : s + "s";
    }

    /** A ratio as a percentage with up to three decimals: {@code 4.87%}. */
    static String percent(double ratio) {
        return String.format(Locale.ROOT, "%.3f", ratio * 100).replaceAll("\\.?0+$", "") + "%";
    }

    private static String number(double value) {
        return String.format(Locale.ROOT, "%.2f", value).replaceAll("\\.?0+$", "");
    }
}
