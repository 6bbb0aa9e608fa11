package io.jenkins.plugins.immutable.deploy;

import io.jenkins.plugins.immutable.EngineException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Sends a growing share of traffic to a few instances of the new digest (the canary, in the idle colour), step by
 * step, each step held for its pause and then judged by the {@link CanaryAnalysis} the {@link Deployer} was given.
 * Beside the canary runs a baseline: fresh instances of the live digest, as many as the canary and with the same
 * share, so the analysis compares like with like (new instances against new instances). After the last step the
 * canary colour grows to full size, takes all traffic, and the live colour and the baseline are drained and removed.
 *
 * <p>Behind a router that honours weights (HAProxy) the weights are exact; behind a Kubernetes Service the split
 * follows replica counts, so the canary and baseline are sized to approximate each weight.
 *
 * @param steps          the weight steps, ascending; 100 is implied at the end
 * @param canaryReplicas instances of the canary (and of the baseline) during the steps, behind a weighted router
 * @param baseline       whether to run a baseline beside the canary
 */
public record Canary(List<Step> steps, int canaryReplicas, boolean baseline) implements DeploymentStrategy {

    /**
     * One weight step.
     *
     * @param weight percent of requests for the canary
     * @param pause  how long the step runs before it is judged
     */
    public record Step(int weight, Duration pause) {
        public Step {
            if (pause == null || pause.isNegative()) {
                throw EngineException.badInput("a canary step's pause must be zero or more; got " + pause);
            }
        }
    }

    public Canary {
        steps = List.copyOf(steps);
        if (!steps.isEmpty() && steps.get(steps.size() - 1).weight() == 100) {
            steps = steps.subList(0, steps.size() - 1); // the promotion to 100% is always the end
        }
        if (steps.isEmpty()) {
            throw EngineException.badInput("a canary needs at least one weight step below 100 (e.g. 5, 25, 50)");
        }
        if (canaryReplicas < 1) {
            throw EngineException.badInput("a canary needs at least 1 instance; got " + canaryReplicas);
        }
        int max = baseline ? 50 : 99;
        int previous = 0;
        for (Step step : steps) {
            if (step.weight() <= previous || step.weight() > max) {
                throw EngineException.badInput("canary weights must rise step by step between 1 and " + max
                        + (baseline ? " (the baseline takes as much as the canary)" : "") + "; got "
                        + steps.stream().map(Step::weight).toList());
            }
            previous = step.weight();
        }
    }

    /** The canonical 5, 25, 50 with the same pause each, 1 canary instance and a baseline. */
    public static Canary of(Duration pause, int... weights) {
        List<Step> list = new ArrayList<>();
        for (int w : weights) {
            list.add(new Step(w, pause));
        }
        return new Canary(list, 1, true);
    }

    @Override
    public String name() {
        return "canary";
    }

    @Override
    public List<Stage> plan(Situation s) {
        if (s.isFirst()) {
            return s.firstDeployment();
        }
        s.requireRouter("a canary");
        Track live = s.live();
        Track next = live.otherColour();
        List<Stage> stages = new ArrayList<>();
        for (Step step : steps) {
            int w = step.weight();
            int size = s.weighted() ? canaryReplicas : replicasFor(w, s.replicas());
            List<Group> groups = new ArrayList<>();
            groups.add(new Group(live, s.from(), s.replicas()));
            groups.add(new Group(next, s.to(), size));
            if (baseline) {
                groups.add(new Group(Track.BASELINE, s.from(), size));
            }
            Map<Track, Integer> weights = baseline
                    ? Map.of(live, 100 - 2 * w, next, w, Track.BASELINE, w)
                    : Map.of(live, 100 - w, next, w);
            stages.add(Stage.of("canary " + w + "% on " + size + " x " + s.to().shortForm()
                    + (baseline ? " (baseline " + size + " x " + s.from().shortForm() + ")" : ""), groups, weights)
                    .paused(step.pause(), true));
        }
        stages.add(Stage.of("promote the canary: " + s.replicas() + " x " + s.to().shortForm() + " in "
                + next.label() + " with all traffic", List.of(new Group(next, s.to(), s.replicas())),
                Map.of(next, 100)));
        return stages;
    }

    /**
     * Instances of canary (and baseline) so that, spread evenly over ready instances, the canary gets about
     * {@code weight} percent beside {@code live} live ones.
     */
    private int replicasFor(int weight, int live) {
        int others = baseline ? 100 - 2 * weight : 100 - weight;
        if (others <= 0) {
            return live;
        }
        return (int) Math.max(1, Math.min(live, Math.round((double) live * weight / others)));
    }
}
