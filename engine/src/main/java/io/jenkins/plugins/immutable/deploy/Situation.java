package io.jenkins.plugins.immutable.deploy;

import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.image.Digest;
import java.util.List;
import java.util.Map;

/**
 * What a strategy plans from.
 *
 * @param environment   the environment
 * @param live          the track serving now, {@code null} when nothing is live (a first deployment)
 * @param from          the digest serving now, {@code null} with {@code live}
 * @param to            the digest to deploy
 * @param replicas      instances the environment runs
 * @param inPlace       whether the target updates a track in place ({@link DeploymentTarget#updatesInPlace()})
 * @param routed        whether a router stands in front of the target (not {@link TrafficRouter#NONE})
 * @param weighted      whether the router honours weights ({@link TrafficRouter#splitsByWeight()})
 */
public record Situation(String environment, Track live, Digest from, Digest to, int replicas, boolean inPlace,
                        boolean routed, boolean weighted) {

    public Situation {
        if (replicas < 1) {
            throw EngineException.badInput("an environment needs at least 1 instance; got " + replicas);
        }
        if ((live == null) != (from == null)) {
            throw new IllegalArgumentException("live and from go together");
        }
    }

    public boolean isFirst() {
        return live == null;
    }

    /** The plan of any strategy for a first deployment: nothing to protect, so start it in blue with all traffic. */
    List<Stage> firstDeployment() {
        return List.of(Stage.of("start " + replicas + " x " + to.shortForm() + " in blue (nothing was live)",
                List.of(new Group(Track.BLUE, to, replicas)), Map.of(Track.BLUE, 100)));
    }

    void requireRouter(String strategy) {
        if (!routed) {
            throw EngineException.badInput(strategy + " moves traffic between colours, which needs a traffic router,"
                    + " and environment " + environment + "'s target has none; use the rolling strategy there, or"
                    + " deploy through a router (HAProxy in front of a Docker host, a Kubernetes Service)");
        }
    }
}
