package io.jenkins.plugins.immutable.deploy;

import io.jenkins.plugins.immutable.image.Digest;
import java.time.Instant;
import java.util.List;

/**
 * One canary step for the analysis to judge: who serves as canary and baseline, at what weight, since when.
 *
 * @param environment      the environment
 * @param deploymentId     the deployment's id (stable across a resume)
 * @param index            which weight step (0-based)
 * @param steps            how many weight steps the canary has before the promotion
 * @param weight           percent of requests the canary receives (the baseline receives the same when it runs)
 * @param live             the live digest, which the baseline runs too
 * @param canary           the digest under test
 * @param canaryInstances  the canary's instances
 * @param baselineInstances the baseline's instances (empty when the canary runs without one)
 * @param canaryServers    the router's names of the canary's instances (HAProxy's server names, e.g. {@code green1}),
 *                         as its metrics label them
 * @param baselineServers  the router's names of the baseline's instances
 * @param backend          the router's name for the environment's traffic (HAProxy's backend, the Kubernetes Service)
 * @param since            when this weight took effect: the start of the interval to judge
 * @param holds            how many times this step was held already (0 on the first judgement)
 */
public record CanaryStep(String environment, String deploymentId, int index, int steps, int weight, Digest live,
                         Digest canary, List<Instance> canaryInstances, List<Instance> baselineInstances,
                         List<String> canaryServers, List<String> baselineServers, String backend, Instant since,
                         int holds) {

    public CanaryStep {
        canaryInstances = List.copyOf(canaryInstances);
        baselineInstances = List.copyOf(baselineInstances);
        canaryServers = List.copyOf(canaryServers);
        baselineServers = List.copyOf(baselineServers);
    }

    public boolean isLast() {
        return index == steps - 1;
    }
}
