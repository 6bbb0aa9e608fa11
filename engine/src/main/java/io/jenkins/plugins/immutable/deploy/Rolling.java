package io.jenkins.plugins.immutable.deploy;

import io.jenkins.plugins.immutable.EngineException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Replaces the live instances in batches: each batch of new instances starts and passes its health check before as
 * many old ones are drained and stopped, so capacity never drops below the environment's size. A failed batch stops
 * the rollout and restores the old digest on every instance.
 *
 * <p>Where the target updates in place (Swarm, Kubernetes), the orchestrator's own rolling update does the batches,
 * start-first; elsewhere (a Docker host) each batch starts in the idle colour and the router moves the matching share
 * of traffic to it, so the environment ends in the other colour.
 *
 * @param batch instances replaced at a time
 */
public record Rolling(int batch) implements DeploymentStrategy {

    public Rolling {
        if (batch < 1) {
            throw EngineException.badInput("a rolling deployment replaces at least 1 instance at a time; got batch "
                    + batch);
        }
    }

    @Override
    public String name() {
        return "rolling";
    }

    @Override
    public List<Stage> plan(Situation s) {
        if (s.isFirst()) {
            return s.firstDeployment();
        }
        if (s.inPlace()) {
            return List.of(Stage.of("roll " + s.live().label() + " to " + s.to().shortForm() + ", " + batch
                            + " at a time", List.of(new Group(s.live(), s.to(), s.replicas())), Map.of(s.live(), 100))
                    .withBatch(batch));
        }
        s.requireRouter("a rolling deployment on a target that cannot update in place");
        Track old = s.live();
        Track next = old.otherColour();
        List<Stage> stages = new ArrayList<>();
        for (int moved = Math.min(batch, s.replicas()); ; moved = Math.min(moved + batch, s.replicas())) {
            int left = s.replicas() - moved;
            int share = (int) Math.round(100.0 * moved / s.replicas());
            List<Group> groups = new ArrayList<>();
            groups.add(new Group(next, s.to(), moved));
            if (left > 0) {
                groups.add(new Group(old, s.from(), left));
            }
            stages.add(Stage.of("replace " + moved + "/" + s.replicas() + " instances (" + next.label() + " "
                            + s.to().shortForm() + ")", groups,
                    left > 0 ? Map.of(next, share, old, 100 - share) : Map.of(next, 100)));
            if (left == 0) {
                return stages;
            }
        }
    }
}
