package io.jenkins.plugins.immutable.config;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.jenkins.plugins.immutable.EngineException;
import java.io.Serializable;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * How a canary is judged: where metrics come from, which metrics, their groups and weights, and the thresholds.
 *
 * @param interval      judge only the last {@code interval} of each canary step; unset: the whole step
 * @param minimumPoints fewer data points than this per scope is NoData, not a guess (default 50)
 * @param confidence    the Mann-Whitney test's confidence (default 0.98)
 * @param groups        group name to weight; groups not listed share what is left equally
 * @param marginalTimeout how long a Marginal verdict waits for a person's decision before the canary is rolled back
 *                      (default 10m)
 * @param consecutiveErrorLimit how many consecutive errors of the metric source are retried (default 4, as Argo
 *                      Rollouts); one more makes the judgement Inconclusive, which the environment's
 *                      {@code onInconclusive} policy handles
 * @param errorBackoff  the wait after the first source error (default 5s), doubling after each further one up to a
 *                      minute
 */
public record AnalysisTemplateConfig(String name, SourceConfig source, String interval, Integer minimumPoints,
        Double confidence, Thresholds thresholds, Map<String, Double> groups, List<MetricConfig> metrics,
        String marginalTimeout, Integer consecutiveErrorLimit, String errorBackoff) implements Serializable {

    /** The template without a marginal timeout (the default, 10 minutes). */
    public AnalysisTemplateConfig(String name, SourceConfig source, String interval, Integer minimumPoints,
            Double confidence, Thresholds thresholds, Map<String, Double> groups, List<MetricConfig> metrics) {
        this(name, source, interval, minimumPoints, confidence, thresholds, groups, metrics, null);
    }

    /** The template with the default handling of source errors (4 retried, from 5s apart). */
    public AnalysisTemplateConfig(String name, SourceConfig source, String interval, Integer minimumPoints,
            Double confidence, Thresholds thresholds, Map<String, Double> groups, List<MetricConfig> metrics,
            String marginalTimeout) {
        this(name, source, interval, minimumPoints, confidence, thresholds, groups, metrics, marginalTimeout, null,
                null);
    }

    private static final long serialVersionUID = 1L;

    /** A placeholder that tells canary from baseline in a PromQL query. */
    private static final Pattern SCOPED = Pattern.compile("\\$\\{(scope|servers|role)}");

    public AnalysisTemplateConfig {
        name = Text.required(name, "name", "an analysis template needs a name that canary strategies refer to");
        if (source == null) {
            throw Text.invalid("source", "analysis template '" + name + "' needs a metric source: prometheus or"
                    + " haproxy");
        }
        interval = Text.optional(interval);
        String givenInterval = interval;
        Text.in("interval", () -> Durations.parse(givenInterval));
        if (minimumPoints != null && minimumPoints < 1) {
            throw Text.invalid("minimumPoints", "minimumPoints " + minimumPoints + " must be at least 1 (50 is"
                    + " Spinnaker's advice)");
        }
        minimumPoints = minimumPoints == null ? 50 : minimumPoints;
        Duration needed = DeliveryConfig.POINT.multipliedBy(minimumPoints);
        if (interval != null && Durations.parse(interval).compareTo(needed) < 0) {
            throw Text.invalid("interval", "analysis template '" + name + "' judges the last " + interval + " of each"
                    + " step, " + Durations.parse(interval).toSeconds() + " points (one a second), fewer than its"
                    + " minimumPoints " + minimumPoints + ": make the interval at least " + Durations.format(needed)
                    + ", or leave it out to judge the whole step");
        }
        marginalTimeout = Text.optional(marginalTimeout);
        String givenTimeout = marginalTimeout;
        Text.in("marginalTimeout", () -> Durations.parse(givenTimeout));
        marginalTimeout = marginalTimeout == null ? "10m" : marginalTimeout;
        if (consecutiveErrorLimit != null && consecutiveErrorLimit < 0) {
            throw Text.invalid("consecutiveErrorLimit", "consecutiveErrorLimit " + consecutiveErrorLimit + " must be 0"
                    + " or more: how many consecutive errors of the metric source are retried before the analysis"
                    + " is Inconclusive (default 4)");
        }
        consecutiveErrorLimit = consecutiveErrorLimit == null ? 4 : consecutiveErrorLimit;
        errorBackoff = Text.optional(errorBackoff);
        String givenBackoff = errorBackoff;
        Text.in("errorBackoff", () -> Durations.parse(givenBackoff));
        errorBackoff = errorBackoff == null ? "5s" : errorBackoff;
        confidence = confidence == null ? 0.98 : confidence;
        if (confidence <= 0.5 || confidence >= 1) {
            throw Text.invalid("confidence", "confidence " + confidence + " must lie between 0.5 and 1, e.g. 0.98");
        }
        thresholds = thresholds == null ? new Thresholds(95.0, 75.0) : thresholds;
        groups = groups == null ? Map.of() : Map.copyOf(groups);
        metrics = Text.list(metrics, "metrics");
        if (metrics.isEmpty()) {
            throw Text.invalid("metrics", "analysis template '" + name + "' has no metrics; list at least one");
        }
        Set<String> seen = new HashSet<>();
        for (MetricConfig m : metrics) {
            if (!seen.add(m.name())) {
                throw Text.invalid("metrics", "analysis template '" + name + "' lists metric '" + m.name()
                        + "' twice");
            }
            if (source instanceof Prometheus && m.query() != null && !SCOPED.matcher(m.query()).find()) {
                // without a scope, canary and baseline read the same series and every judgement is a Pass
                throw Text.invalid("query", "the query of metric '" + m.name() + "' in analysis template '" + name
                        + "' has no ${scope} (or ${servers}, ${role}), so it reads the same series for the canary"
                        + " and the baseline: put ${scope} where the label selector goes, e.g."
                        + " rate(requests_total{${scope}}[1s]). In Jenkins Configuration as Code, write ^${scope}:"
                        + " CasC replaces ${...} with its own variables");
            }
        }
    }

    /** Where metrics come from: {@code prometheus:} or {@code haproxy:}. */
    @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.WRAPPER_OBJECT)
    @JsonSubTypes({
        @JsonSubTypes.Type(value = Prometheus.class, name = "prometheus"),
        @JsonSubTypes.Type(value = Haproxy.class, name = "haproxy")
    })
    public sealed interface SourceConfig extends Serializable {
    }

    /** Prometheus' HTTP API at {@code url}. */
    public record Prometheus(String url) implements SourceConfig {

        private static final long serialVersionUID = 1L;

        public Prometheus {
            url = Text.required(url, "url", "give Prometheus' base URL, for example http://127.0.0.1:9090");
        }
    }

    /** HAProxy's own per-server statistics through its runtime API socket. */
    public record Haproxy(String socket) implements SourceConfig {

        private static final long serialVersionUID = 1L;

        public Haproxy {
            socket = Text.required(socket, "socket", "give the path of HAProxy's runtime API socket");
        }
    }

    /** Scores at or above {@code pass} pass; at or above {@code marginal} are marginal; below fail. */
    public record Thresholds(Double pass, Double marginal) implements Serializable {

        private static final long serialVersionUID = 1L;

        public Thresholds {
            pass = pass == null ? 95.0 : pass;
            marginal = marginal == null ? 75.0 : marginal;
            if (marginal > pass || pass > 100 || marginal < 0) {
                throw Text.invalid("marginal", "thresholds pass " + pass + " and marginal " + marginal + " must satisfy"
                        + " 0 <= marginal <= pass <= 100");
            }
        }
    }

    /**
     * One metric. The query may use {@code ${environment}}, {@code ${scope}}, {@code ${servers}} (the scope's server
     * names as a regular expression) which the metric source fills in for the canary and for the baseline.
     *
     * @param direction    which change fails: increase, decrease or either
     * @param critical     a failure of this metric fails the whole analysis
     * @param mustHaveData NoData counts as a failure
     */
    public record MetricConfig(String name, String group, String query, String direction, boolean critical,
            boolean mustHaveData) implements Serializable {

        private static final long serialVersionUID = 1L;

        public MetricConfig {
            name = Text.required(name, "name", "a metric needs a name");
            group = Text.optional(group) == null ? name : group.strip();
            query = Text.optional(query);
            direction = Text.optional(direction) == null ? "either" : direction.strip().toLowerCase(Locale.ROOT);
            if (!List.of("increase", "decrease", "either").contains(direction)) {
                throw Text.invalid("direction", "metric '" + name + "' has direction '" + direction + "'; use increase,"
                        + " decrease or either");
            }
        }
    }
}
