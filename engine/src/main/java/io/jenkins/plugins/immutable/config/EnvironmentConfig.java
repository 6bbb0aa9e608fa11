package io.jenkins.plugins.immutable.config;

import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.deploy.Environments;
import io.jenkins.plugins.immutable.image.Repository;
import java.io.Serializable;

/**
 * One environment, in promotion order within {@link DeliveryConfig#environments()}.
 *
 * @param repository where this environment's images live; its tag {@code name} points at the live digest
 * @param ledgerKey  the id of the key the environment's ledger is signed with (a key of {@code signing.keys} to write,
 *                   whose public key is the trusted key of the same id to read); null for an unsigned ledger
 */
public record EnvironmentConfig(String name, String repository, Integer replicas, TargetConfig target,
        RouterConfig router, StrategyConfig strategy, GatesConfig gates, String ledgerKey) implements Serializable {

    private static final long serialVersionUID = 1L;

    public EnvironmentConfig {
        name = Text.required(name, "name", "an environment needs a name, for example dev, staging or prod");
        String givenName = name;
        Text.in("name", () -> Environments.requireValidName(givenName));
        repository = Text.required(repository, "repository",
                "environment '" + name + "' needs the repository its images live in, e.g. registry:5000/team/app");
        String givenRepository = repository;
        Text.in("repository", () -> Repository.parse(givenRepository));
        replicas = replicas == null ? 1 : replicas;
        if (replicas < 1) {
            throw Text.invalid("replicas", "environment '" + name + "' needs at least 1 replica, not " + replicas);
        }
        if (target == null) {
            throw Text.invalid("target", "environment '" + name + "' needs a target: docker, swarm or kubernetes");
        }
        strategy = strategy == null ? new StrategyConfig.BlueGreen(null) : strategy;
        gates = gates == null ? GatesConfig.DEFAULT : gates;
        ledgerKey = Text.optional(ledgerKey);
    }

    /** An environment whose ledger is not signed. */
    public EnvironmentConfig(String name, String repository, Integer replicas, TargetConfig target, RouterConfig router,
            StrategyConfig strategy, GatesConfig gates) {
        this(name, repository, replicas, target, router, strategy, gates, null);
    }

    /** The same environment deploying with another strategy (a step's or a command's own). */
    public EnvironmentConfig withStrategy(StrategyConfig newStrategy) {
        return new EnvironmentConfig(name, repository, replicas, target, router, newStrategy, gates, ledgerKey);
    }

    public Repository repositoryRef() {
        return Repository.parse(repository);
    }
}
