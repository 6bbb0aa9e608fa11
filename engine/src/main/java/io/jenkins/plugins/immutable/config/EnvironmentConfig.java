package io.jenkins.plugins.immutable.config;

import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.image.Repository;
import java.io.Serializable;
import java.util.regex.Pattern;

/**
 * One environment, in promotion order within {@link DeliveryConfig#environments()}.
 *
 * @param repository where this environment's images live; its tag {@code name} points at the live digest
 */
public record EnvironmentConfig(String name, String repository, Integer replicas, TargetConfig target,
        RouterConfig router, StrategyConfig strategy, GatesConfig gates) implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Environment names become tags and container names, so they follow the tag grammar, lowercase. */
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_.-]{0,62}");

    public EnvironmentConfig {
        name = Text.required(name, "name", "an environment needs a name, for example dev, staging or prod");
        if (!NAME.matcher(name).matches()) {
            throw Text.invalid("name", "environment name '" + name + "' must be lowercase letters, digits, '.',"
                    + " '_' or '-' (it becomes a tag and container names)");
        }
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
    }

    public Repository repositoryRef() {
        return Repository.parse(repository);
    }
}
