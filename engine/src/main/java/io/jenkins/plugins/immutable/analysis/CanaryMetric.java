package io.jenkins.plugins.immutable.analysis;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.jenkins.plugins.immutable.EngineException;

/**
 * One metric the canary is judged on, with how it is judged.
 *
 * @param name           unique within the template, for example {@code error-rate}
 * @param query          what the metric source runs: a PromQL template with {@code ${scope}} where the scope's label
 *                       selector goes, or an HAProxy statistics field ({@code hrsp_5xx}, {@code hrsp_5xx/req_tot})
 * @param group          the group whose weight the metric counts toward (default {@code default})
 * @param direction      which change fails (default either)
 * @param effectSize     how large a significant change must be to count (default: any)
 * @param critical       a critical metric that does not pass forces the score to 0
 * @param mustHaveData   NoData counts as a failure in the group score instead of being left out
 * @param removeOutliers drop points beyond {@code outlierFactor} interquartile ranges from the quartiles, per scope
 * @param outlierFactor  the fence distance in interquartile ranges (default 3)
 */
public record CanaryMetric(String name, String query, String group, Direction direction, EffectSize effectSize,
                           boolean critical, boolean mustHaveData, boolean removeOutliers, double outlierFactor) {

    public static final String DEFAULT_GROUP = "default";
    public static final double DEFAULT_OUTLIER_FACTOR = 3;

    public CanaryMetric {
        if (name == null || name.isBlank()) {
            throw EngineException.badInput("every canary metric needs a name");
        }
        if (query == null || query.isBlank()) {
            throw EngineException.badInput("canary metric '" + name + "' has no query: give the PromQL (with ${scope})"
                    + " or the HAProxy statistics field it reads");
        }
        group = group == null || group.isBlank() ? DEFAULT_GROUP : group;
        direction = direction == null ? Direction.EITHER : direction;
        effectSize = effectSize == null ? EffectSize.meanRatio() : effectSize;
        outlierFactor = outlierFactor == 0 ? DEFAULT_OUTLIER_FACTOR : outlierFactor;
        if (!(outlierFactor > 0)) {
            throw EngineException.badInput("canary metric '" + name + "': the outlier factor must be positive, not "
                    + outlierFactor);
        }
    }

    /** A metric judged in either direction, any significant change counting, in the default group. */
    public static CanaryMetric of(String name, String query) {
        return new CanaryMetric(name, query, null, null, null, false, false, false, 0);
    }

    @JsonCreator
    static CanaryMetric fromJson(@JsonProperty("name") String name, @JsonProperty("query") String query,
                                 @JsonProperty("group") String group, @JsonProperty("direction") Direction direction,
                                 @JsonProperty("effectSize") EffectSize effectSize,
                                 @JsonProperty("critical") boolean critical,
                                 @JsonProperty("mustHaveData") boolean mustHaveData,
                                 @JsonProperty("removeOutliers") boolean removeOutliers,
                                 @JsonProperty("outlierFactor") Double outlierFactor) {
        return new CanaryMetric(name, query, group, direction, effectSize, critical, mustHaveData, removeOutliers,
                outlierFactor == null ? 0 : outlierFactor);
    }

    public CanaryMetric inGroup(String newGroup) {
        return new CanaryMetric(name, query, newGroup, direction, effectSize, critical, mustHaveData, removeOutliers,
                outlierFactor);
    }

    public CanaryMetric failingOn(Direction newDirection) {
        return new CanaryMetric(name, query, group, newDirection, effectSize, critical, mustHaveData, removeOutliers,
                outlierFactor);
    }

    public CanaryMetric withEffectSize(EffectSize newEffectSize) {
        return new CanaryMetric(name, query, group, direction, newEffectSize, critical, mustHaveData, removeOutliers,
                outlierFactor);
    }

    public CanaryMetric asCritical() {
        return new CanaryMetric(name, query, group, direction, effectSize, true, mustHaveData, removeOutliers,
                outlierFactor);
    }

    public CanaryMetric requiringData() {
        return new CanaryMetric(name, query, group, direction, effectSize, critical, true, removeOutliers, outlierFactor);
    }

    public CanaryMetric removingOutliers(double factor) {
        return new CanaryMetric(name, query, group, direction, effectSize, critical, mustHaveData, true, factor);
    }
}
