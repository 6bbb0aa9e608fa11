package io.jenkins.plugins.immutable.promote;

import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.deploy.DeploymentStrategy;
import io.jenkins.plugins.immutable.image.Digest;
import java.util.Objects;

/**
 * Return {@code environment} to a digest that was live there before.
 *
 * @param environment the environment's name
 * @param target      the digest to return to, or null for the previous known-good one in the ledger
 * @param forceReason when set, gates that refuse the target today are overridden, and this reason is recorded
 * @param actor       who asks; recorded
 * @param run         the run it comes from; recorded, may be null
 * @param strategy    the strategy to deploy with, or null for the environment's own
 */
public record RollbackRequest(String environment, Digest target, String forceReason, String actor, String run,
        DeploymentStrategy strategy) {

    public RollbackRequest {
        Objects.requireNonNull(environment, "environment");
        if (actor == null || actor.isBlank()) {
            throw EngineException.badInput("a rollback needs to know who asks for it (the actor), for the ledger");
        }
        if (forceReason != null && forceReason.isBlank()) {
            throw EngineException.badInput("a forced rollback needs a reason, which is recorded in the ledger");
        }
    }

    /** Back to the previous known-good digest. */
    public static RollbackRequest toPrevious(String environment, String actor, String run) {
        return new RollbackRequest(environment, null, null, actor, run, null);
    }

    /** Back to a named digest that was live before. */
    public static RollbackRequest to(String environment, Digest target, String actor, String run) {
        return new RollbackRequest(environment, target, null, actor, run, null);
    }

    /** Overrides refusing gates; the reason goes into the ledger. */
    public RollbackRequest forced(String reason) {
        return new RollbackRequest(environment, target, reason, actor, run, strategy);
    }
}
