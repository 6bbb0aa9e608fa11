package io.jenkins.plugins.immutable.deploy;

import java.util.Optional;

/**
 * Where a deployment's state is saved at every step, so that a deployment interrupted by a dead process (a Jenkins
 * restart, a killed CLI) can be resumed by another one. The ledger keeps it in the registry beside the environment's
 * history; {@link FileDeploymentJournal} keeps it in a folder.
 *
 * <p>Implementations must store the state exactly ({@link DeploymentStateJson} gives a stable JSON form) and must
 * refuse a save whose revision does not follow the stored one: that is how two processes that both believe they own
 * an environment's deployment are caught instead of interleaving their steps.
 */
public interface DeploymentJournal {

    /** The environment's latest deployment state, finished or not; empty when it never had one. */
    Optional<DeploymentState> load(String environment);

    /**
     * Saves {@code state} as the environment's latest. Its {@link DeploymentState#revision()} must be exactly one more
     * than the stored state's (1 when none is stored).
     *
     * @throws io.jenkins.plugins.immutable.EngineException of kind REFUSED when another process saved in between,
     *         saying which deployment and owner did
     */
    void save(DeploymentState state);
}
