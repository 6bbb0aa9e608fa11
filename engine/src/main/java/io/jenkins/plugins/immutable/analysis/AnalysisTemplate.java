package io.jenkins.plugins.immutable.analysis;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.jenkins.plugins.immutable.EngineException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a canary is judged on and how: its metrics, the weights of their groups, the score thresholds and the
 * statistics' settings. Kayenta calls this a canary configuration, Argo Rollouts an analysis template.
 *
 * @param metrics       the metrics, names unique
 * @param groupWeights  percent per group; groups left out share what remains of 100 equally
 * @param thresholds    score thresholds (default pass 95, marginal 75)
 * @param confidence    the U test's confidence level (default 0.98)
 * @param minimumPoints fewer points than this in either scope is NoData (default 50, Spinnaker's advice)
 * @param tolerance     a shift counts only when its interval clears +-tolerance x |estimate| (default 0.25, as
 *                      Kayenta), so that a tight interval around a negligible shift is not a failure
 */
public record AnalysisTemplate(List<CanaryMetric> metrics, Map<String, Double> groupWeights,
                               ScoreThresholds thresholds, double confidence, int minimumPoints, double tolerance) {

    public static final double DEFAULT_CONFIDENCE = 0.98;
    public static final int DEFAULT_MINIMUM_POINTS = 50;
    public static final double DEFAULT_TOLERANCE = 0.25;

    public AnalysisTemplate {
        if (metrics == null || metrics.isEmpty()) {
            throw EngineException.badInput("the analysis template has no metrics: add at least one metric to judge the"
                    + " canary on");
        }
        metrics = List.copyOf(metrics);
        Set<String> names = new HashSet<>();
        for (CanaryMetric metric : metrics) {
            if (!names.add(metric.name())) {
                throw EngineException.badInput("the analysis template names metric '" + metric.name() + "' twice;"
                        + " metric names must be unique");
            }
        }
        groupWeights = groupWeights == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(groupWeights));
        thresholds = thresholds == null ? ScoreThresholds.DEFAULT : thresholds;
        confidence = confidence == 0 ? DEFAULT_CONFIDENCE : confidence;
        minimumPoints = minimumPoints == 0 ? DEFAULT_MINIMUM_POINTS : minimumPoints;
        tolerance = tolerance == 0 ? DEFAULT_TOLERANCE : tolerance;
        if (!(confidence > 0.5 && confidence < 1)) {
            throw EngineException.badInput("the analysis confidence must lie between 0.5 and 1 (0.98 is usual), not "
                    + confidence);
        }
        if (minimumPoints < 1) {
            throw EngineException.badInput("the minimum number of points must be at least 1, not " + minimumPoints);
        }
        if (!(tolerance >= 0 && tolerance < 1)) {
            throw EngineException.badInput("the tolerance must lie in [0, 1), not " + tolerance);
        }
        validateWeights(metrics, groupWeights);
    }

    private static void validateWeights(List<CanaryMetric> metrics, Map<String, Double> weights) {
        Set<String> groups = new LinkedHashSet<>();
        metrics.forEach(m -> groups.add(m.group()));
        double sum = 0;
        for (Map.Entry<String, Double> e : weights.entrySet()) {
            if (!groups.contains(e.getKey())) {
                throw EngineException.badInput("the analysis template weighs group '" + e.getKey() + "' but no metric is"
                        + " in it; metric groups are " + groups);
            }
            Double w = e.getValue();
            if (w == null || !(w >= 0)) {
                throw EngineException.badInput("group '" + e.getKey() + "' has weight " + w + "; weights are percentages"
                        + " from 0 to 100");
            }
            sum += w;
        }
        if (sum > 100 + 1e-9) {
            throw EngineException.badInput("group weights add up to " + sum + "; they are percentages and must add up to"
                    + " at most 100");
        }
        if (weights.size() == groups.size() && Math.abs(sum - 100) > 1e-9) {
            throw EngineException.badInput("every group has a weight and they add up to " + sum + ", not 100: adjust them"
                    + " or leave a group out to give it what remains");
        }
    }

    @JsonCreator
    static AnalysisTemplate fromJson(@JsonProperty("metrics") List<CanaryMetric> metrics,
                                     @JsonProperty("groupWeights") Map<String, Double> groupWeights,
                                     @JsonProperty("thresholds") ScoreThresholds thresholds,
                                     @JsonProperty("confidence") Double confidence,
                                     @JsonProperty("minimumPoints") Integer minimumPoints,
                                     @JsonProperty("tolerance") Double tolerance) {
        return new AnalysisTemplate(metrics, groupWeights, thresholds, confidence == null ? 0 : confidence,
                minimumPoints == null ? 0 : minimumPoints, tolerance == null ? 0 : tolerance);
    }

    /** The given metrics with Kayenta's defaults: one group, thresholds 95/75, confidence 0.98, 50 points. */
    public static AnalysisTemplate of(List<CanaryMetric> metrics) {
        return new AnalysisTemplate(metrics, null, null, 0, 0, 0);
    }

    public AnalysisTemplate withGroupWeights(Map<String, Double> weights) {
        return new AnalysisTemplate(metrics, weights, thresholds, confidence, minimumPoints, tolerance);
    }

    public AnalysisTemplate withThresholds(ScoreThresholds newThresholds) {
        return new AnalysisTemplate(metrics, groupWeights, newThresholds, confidence, minimumPoints, tolerance);
    }

    public AnalysisTemplate withConfidence(double newConfidence) {
        return new AnalysisTemplate(metrics, groupWeights, thresholds, newConfidence, minimumPoints, tolerance);
    }

    public AnalysisTemplate withMinimumPoints(int points) {
        return new AnalysisTemplate(metrics, groupWeights, thresholds, confidence, points, tolerance);
    }

    /** The metrics' groups, in the order they first appear. */
    public List<String> groups() {
        Set<String> groups = new LinkedHashSet<>();
        metrics.forEach(m -> groups.add(m.group()));
        return new ArrayList<>(groups);
    }

    /** The weight (percent) of a group: its own, or an equal share of what the weighted groups leave. */
    public double weightOf(String group) {
        Double own = groupWeights.get(group);
        if (own != null) {
            return own;
        }
        double assigned = groupWeights.values().stream().mapToDouble(Double::doubleValue).sum();
        long unweighted = groups().stream().filter(g -> !groupWeights.containsKey(g)).count();
        return unweighted == 0 ? 0 : (100 - assigned) / unweighted;
    }
}
