package io.jenkins.plugins.immutable.promote;

import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.deploy.DeploymentStrategy;
import io.jenkins.plugins.immutable.deploy.DeploymentTarget;
import io.jenkins.plugins.immutable.deploy.Environments;
import io.jenkins.plugins.immutable.deploy.TrafficRouter;
import io.jenkins.plugins.immutable.image.Repository;
import io.jenkins.plugins.immutable.ledger.LedgerLocation;
import java.util.Objects;

/**
 * An environment digests are promoted into; where it takes them from is its place in the {@link PromotionGraph}.
 *
 * @param name       1 to 40 lower-case letters, digits and '-' (it names tags, containers, services, backends)
 * @param repository where its images live: its tag {@code name} points at the live digest, {@code ledger-name} holds
 *                   its ledger
 * @param replicas   instances per colour
 * @param target     where its instances run
 * @param router     what splits its traffic ({@link TrafficRouter#NONE} for targets that route themselves)
 * @param strategy   how a new digest replaces the live one, unless a promotion names another
 * @param gates      what a digest must show to enter it
 */
public record Environment(String name, Repository repository, int replicas, DeploymentTarget target,
        TrafficRouter router, DeploymentStrategy strategy, GatePolicy gates) {

    public Environment {
        Environments.requireValidName(name);
        Objects.requireNonNull(repository, "repository");
        if (replicas < 1) {
            throw EngineException.badInput("environment " + name + " needs at least 1 replica, not " + replicas);
        }
        Objects.requireNonNull(target, "target");
        router = router == null ? TrafficRouter.NONE : router;
        Objects.requireNonNull(strategy, "strategy");
        gates = gates == null ? GatePolicy.ORDER_ONLY : gates;
    }

    /** Where its ledger and its tag are. */
    public LedgerLocation location() {
        return new LedgerLocation(repository, name);
    }

    @Override
    public String toString() {
        return name + " (" + repository + ")";
    }
}
