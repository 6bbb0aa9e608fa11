package io.jenkins.plugins.immutable.analysis;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonValue;
import io.jenkins.plugins.immutable.EngineException;
import java.util.Locale;

/**
 * How large a significant change must be before it counts, per direction, as Kayenta's {@code effectSize} does.
 * With the mean ratio (canary mean / baseline mean), an allowed increase of 1.2 lets the canary be up to 20% higher
 * on average; with the common-language effect size (the probability that a canary point exceeds a baseline point),
 * 0.5 means no difference. The defaults (1.0, or 0.5) count every significant change.
 *
 * @param measure         how the size of the change is measured
 * @param allowedIncrease a rise fails only when its effect size reaches this
 * @param allowedDecrease a fall fails only when its effect size is at or below this
 */
public record EffectSize(Measure measure, double allowedIncrease, double allowedDecrease) {

    /** How the size of a change is measured. */
    public enum Measure {
        /** Canary mean divided by baseline mean; neutral 1.0. */
        MEAN_RATIO(1.0),
        /** Common-language effect size, P(canary point > baseline point); neutral 0.5. */
        CLES(0.5);

        private final double neutral;

        Measure(double neutral) {
            this.neutral = neutral;
        }

        public double neutral() {
            return neutral;
        }

        @JsonValue
        public String label() {
            return this == MEAN_RATIO ? "meanRatio" : "cles";
        }

        /** Parses {@code meanRatio} or {@code cles} (case and separators ignored). */
        @JsonCreator
        public static Measure parse(String text) {
            String t = text == null ? "" : text.strip().replace("_", "").replace("-", "").toLowerCase(Locale.ROOT);
            return switch (t) {
                case "meanratio" -> MEAN_RATIO;
                case "cles" -> CLES;
                default -> throw EngineException.badInput("unknown effect size measure '" + text + "': use meanRatio or cles");
            };
        }
    }

    public EffectSize {
        if (measure == null) {
            measure = Measure.MEAN_RATIO;
        }
        if (measure == Measure.CLES) {
            if (!(allowedIncrease >= 0.5 && allowedIncrease <= 1) || !(allowedDecrease >= 0 && allowedDecrease <= 0.5)) {
                throw EngineException.badInput("common-language effect sizes are probabilities: the allowed increase must lie"
                        + " in [0.5, 1] and the allowed decrease in [0, 0.5], not " + allowedIncrease + " and " + allowedDecrease);
            }
        } else if (!(allowedIncrease >= 1) || !(allowedDecrease >= 0 && allowedDecrease <= 1)) {
            throw EngineException.badInput("mean ratios compare canary to baseline: the allowed increase must be at least 1"
                    + " and the allowed decrease between 0 and 1, not " + allowedIncrease + " and " + allowedDecrease);
        }
    }

    /** From JSON or YAML, where an allowed value left out means the measure's neutral value. */
    @JsonCreator
    static EffectSize fromJson(@JsonProperty("measure") Measure measure,
                               @JsonProperty("allowedIncrease") Double allowedIncrease,
                               @JsonProperty("allowedDecrease") Double allowedDecrease) {
        Measure m = measure == null ? Measure.MEAN_RATIO : measure;
        return new EffectSize(m, allowedIncrease == null ? m.neutral() : allowedIncrease,
                allowedDecrease == null ? m.neutral() : allowedDecrease);
    }

    /** Every significant change counts (mean ratio 1.0 both ways): Kayenta's default. */
    public static EffectSize meanRatio() {
        return new EffectSize(Measure.MEAN_RATIO, 1, 1);
    }

    public static EffectSize meanRatio(double allowedIncrease, double allowedDecrease) {
        return new EffectSize(Measure.MEAN_RATIO, allowedIncrease, allowedDecrease);
    }

    public static EffectSize cles(double allowedIncrease, double allowedDecrease) {
        return new EffectSize(Measure.CLES, allowedIncrease, allowedDecrease);
    }
}
