package io.jenkins.plugins.immutable.config;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.jenkins.plugins.immutable.deploy.Environments;
import io.jenkins.plugins.immutable.image.Repository;
import io.jenkins.plugins.immutable.promote.Upstream;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * One environment of {@link DeliveryConfig#environments()}: in promotion order, or naming its upstream environments.
 *
 * @param repository where this environment's images live; its tag {@code name} points at the live digest
 * @param ledgerKey  the id of the key the environment's ledger is signed with (a key of {@code signing.keys} to write,
 *                   whose public key is the trusted key of the same id to read); null for an unsigned ledger
 * @param upstream   the environments it takes digests from ({@code upstream: [staging]}, or {@code upstream: staging});
 *                   {@code []} for one that takes them straight from builds; null when not given (then the list order
 *                   is the promotion order, see {@link DeliveryConfig#graph()})
 * @param requires   {@code all} (default) or {@code any}: whether a digest must have come through every upstream
 *                   environment or through one of them; only with {@code upstream}
 */
public record EnvironmentConfig(String name, String repository, Integer replicas, TargetConfig target,
        RouterConfig router, StrategyConfig strategy, GatesConfig gates, String ledgerKey,
        @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
        @JsonInclude(JsonInclude.Include.NON_NULL) List<String> upstream, String requires) implements Serializable {

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
        if (upstream != null) {
            List<String> names = new ArrayList<>();
            for (String u : Text.list(upstream, "upstream")) {
                names.add(Text.required(u, "upstream[" + names.size() + "]", "an upstream entry names an environment,"
                        + " e.g. upstream: [staging]; remove the empty entry"));
            }
            upstream = List.copyOf(names);
        }
        requires = Text.optional(requires);
        if (requires != null) {
            String given = requires;
            requires = Text.in("requires", () -> Upstream.Requires.parse(given)).toString();
            if (upstream == null || upstream.isEmpty()) {
                throw Text.invalid("requires", "requires says how many of the upstream environments must hold a"
                        + " digest, but '" + name + "' names none; write its upstream environments with it (upstream:"
                        + " [staging, perf]), or remove requires");
            }
        }
    }

    /** An environment whose ledger is not signed, in its place of the promotion order. */
    public EnvironmentConfig(String name, String repository, Integer replicas, TargetConfig target, RouterConfig router,
            StrategyConfig strategy, GatesConfig gates) {
        this(name, repository, replicas, target, router, strategy, gates, null);
    }

    /** An environment in its place of the promotion order (its upstream the one listed before it). */
    public EnvironmentConfig(String name, String repository, Integer replicas, TargetConfig target, RouterConfig router,
            StrategyConfig strategy, GatesConfig gates, String ledgerKey) {
        this(name, repository, replicas, target, router, strategy, gates, ledgerKey, null, null);
    }

    /** The same environment deploying with another strategy (a step's or a command's own). */
    public EnvironmentConfig withStrategy(StrategyConfig newStrategy) {
        return new EnvironmentConfig(name, repository, replicas, target, router, newStrategy, gates, ledgerKey,
                upstream, requires);
    }

    /** Its upstream as the engine reads it; null when it names none (its place in the list says). */
    public Upstream toUpstream() {
        return upstream == null ? null : new Upstream(upstream, requires == null ? null
                : Upstream.Requires.parse(requires));
    }

    public Repository repositoryRef() {
        return Repository.parse(repository);
    }
}
