package io.jenkins.plugins.immutable.deploy;

import io.jenkins.plugins.immutable.ProgressListener;
import java.util.List;

/**
 * Where an environment's instances run: a Docker engine host, a Swarm, a Kubernetes namespace. A target manages
 * instances by {@link Group} (track, digest, replicas); the {@link Deployer} decides the order (start, route, drain,
 * stop) so that no request meets an instance that is going away.
 *
 * <p>Every method reads what actually runs on the target, never a cached record, so a deployment resumed by another
 * process, or a target changed by hand, is seen as it is.
 */
public interface DeploymentTarget {

    /** For messages: which target this is, e.g. {@code Docker host unix:///run/docker.sock}. */
    String describe();

    /**
     * Whether a track changes digest in place, with the orchestrator's own rolling update (Swarm, Kubernetes). A
     * target that does not (the Docker host) runs a new digest in new instances only, so the rolling strategy moves
     * batch by batch into the other colour there.
     */
    boolean updatesInPlace();

    /** Everything of {@code environment} on the target, including instances that are not running and ones made by hand. */
    List<Instance> instances(String environment);

    /**
     * Makes {@code group}'s track run at least {@code group.replicas()} healthy instances of its digest, never stopping
     * an instance that serves (except through an in-place rolling update, which the orchestrator orders start-first).
     * New instances that fail their health check are removed and the call fails with what they reported.
     *
     * @param repository the repository the digest is pulled from, e.g. {@code registry.example.com/team/app}
     * @param batch      for targets that update in place: instances replaced at a time (0: the target's default)
     * @return the group's healthy instances running its digest, exactly {@code replicas} of them
     */
    List<Instance> scaleUp(String environment, String repository, Group group, int batch, ProgressListener listener);

    /**
     * The instances that would go if {@code group}'s track shrank to {@code group.replicas()} of its digest (those
     * running another digest first, then the highest slots), so the router can drain them before they stop. Targets
     * whose orchestrator picks the instances itself (Swarm, Kubernetes) return none and drain through their own
     * termination grace.
     */
    List<Instance> surplus(String environment, Group group);

    /** Stops the drained {@code surplus} of {@code group} and leaves the track at its replicas. */
    void scaleDown(String environment, Group group, List<Instance> surplus, ProgressListener listener);

    /** Removes everything of {@code track} (already drained). Removing a track that has nothing is a no-op. */
    void remove(String environment, Track track, ProgressListener listener);
}
