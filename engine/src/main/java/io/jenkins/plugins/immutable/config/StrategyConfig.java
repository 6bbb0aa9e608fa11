package io.jenkins.plugins.immutable.config;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.analysis.InconclusivePolicy;
import java.io.Serializable;
import java.util.List;

/**
 * How a new digest replaces the live one: {@code rolling:}, {@code blueGreen:} or {@code canary:}. {@code blueGreen}
 * is the field's name (Jenkins' symbol too); {@code blue-green:}, the strategy's name as it is printed, is accepted.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.WRAPPER_OBJECT)
@JsonSubTypes({
    @JsonSubTypes.Type(value = StrategyConfig.Rolling.class, name = "rolling"),
    @JsonSubTypes.Type(value = StrategyConfig.BlueGreen.class, name = "blueGreen", names = "blue-green"),
    @JsonSubTypes.Type(value = StrategyConfig.Canary.class, name = "canary")
})
public sealed interface StrategyConfig extends Serializable {

    /** Replace instances {@code batch} at a time. */
    record Rolling(Integer batch) implements StrategyConfig {

        private static final long serialVersionUID = 1L;

        public Rolling {
            batch = batch == null ? 1 : batch;
            if (batch < 1) {
                throw Text.invalid("batch", "batch " + batch + " must be 1 or more instances at a time");
            }
        }
    }

    /** Start the other colour, switch at once, keep the old colour for {@code retention} (a rollback is a switch). */
    record BlueGreen(String retention) implements StrategyConfig {

        private static final long serialVersionUID = 1L;

        public BlueGreen {
            retention = Text.optional(retention) == null ? "10m" : retention.strip();
            String given = retention;
            Text.in("retention", () -> Durations.parse(given));
        }
    }

    /**
     * Shift traffic to the canary in {@code steps} (percentages), pausing {@code pause} and judging with the analysis
     * template {@code analysis} between steps. {@code onInconclusive}: what an analysis whose metric source kept
     * erroring does, {@code hold} (for a decision, as on a Marginal verdict; the default) or {@code rollback}.
     */
    record Canary(List<Integer> steps, String pause, String analysis, Integer replicas, String onInconclusive)
            implements StrategyConfig {

        private static final long serialVersionUID = 1L;

        /** A canary that holds on an inconclusive analysis. */
        public Canary(List<Integer> steps, String pause, String analysis, Integer replicas) {
            this(steps, pause, analysis, replicas, null);
        }

        public Canary {
            steps = steps == null || steps.isEmpty() ? List.of(5, 25, 50) : List.copyOf(steps);
            int previous = 0;
            for (int w : steps) {
                if (w <= previous || w > 100) {
                    throw Text.invalid("steps", "canary steps " + steps + " must rise strictly, each between 1"
                            + " and 100 percent, for example [5, 25, 50]");
                }
                previous = w;
            }
            pause = Text.optional(pause) == null ? "60s" : pause.strip();
            String givenPause = pause;
            Text.in("pause", () -> Durations.parse(givenPause));
            analysis = Text.optional(analysis);
            if (analysis != null && steps.stream().anyMatch(w -> w > 50 && w < 100)) {
                // A judged canary runs a baseline with the same share beside it, so the canary can take half at most.
                throw Text.invalid("steps", "canary steps " + steps + " go above 50 percent, but a canary judged by"
                        + " the analysis '" + analysis + "' shares traffic with a baseline of the same weight; keep"
                        + " the steps at or below 50 (after the last step the canary takes all traffic)");
            }
            replicas = replicas == null ? 1 : replicas;
            if (replicas < 1) {
                throw Text.invalid("replicas", "canary replicas " + replicas + " must be 1 or more");
            }
            String givenPolicy = Text.optional(onInconclusive);
            onInconclusive = givenPolicy == null ? InconclusivePolicy.HOLD.label()
                    : Text.in("onInconclusive", () -> InconclusivePolicy.parse(givenPolicy)).label();
        }

        /** The policy on an inconclusive analysis. */
        public InconclusivePolicy inconclusivePolicy() {
            return InconclusivePolicy.parse(onInconclusive);
        }
    }
}
