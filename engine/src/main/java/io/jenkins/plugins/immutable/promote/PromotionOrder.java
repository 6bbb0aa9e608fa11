package io.jenkins.plugins.immutable.promote;

import io.jenkins.plugins.immutable.EngineException;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The environments in the order a digest goes through them, for example dev, test, staging, prod: each takes only
 * digests deployed in the one before it (when its gates say so).
 */
public record PromotionOrder(List<Environment> environments) {

    public PromotionOrder {
        environments = List.copyOf(environments);
        if (environments.isEmpty()) {
            throw EngineException.badInput("no environment is configured: list them in promotion order, for example"
                    + " dev, test, prod");
        }
        Set<String> names = new HashSet<>();
        for (Environment e : environments) {
            if (!names.add(e.name())) {
                throw EngineException.badInput("environment " + e.name() + " is listed twice; each environment has"
                        + " one place in the promotion order");
            }
        }
    }

    public static PromotionOrder of(Environment... environments) {
        return new PromotionOrder(List.of(environments));
    }

    /** The environment of that name, or a BAD_INPUT error listing the known ones. */
    public Environment named(String name) {
        return environments.stream().filter(e -> e.name().equals(name)).findFirst()
                .orElseThrow(() -> EngineException.badInput("there is no environment '" + name + "'; the"
                        + " environments are " + names()));
    }

    /** The environment before {@code environment}, empty for the first. */
    public Optional<Environment> previous(Environment environment) {
        int i = indexOf(environment);
        return i == 0 ? Optional.empty() : Optional.of(environments.get(i - 1));
    }

    /** The environment after {@code environment}, empty for the last. */
    public Optional<Environment> next(Environment environment) {
        int i = indexOf(environment);
        return i == environments.size() - 1 ? Optional.empty() : Optional.of(environments.get(i + 1));
    }

    /** {@code dev -> test -> prod}. */
    public String names() {
        return environments.stream().map(Environment::name).collect(Collectors.joining(" -> "));
    }

    private int indexOf(Environment environment) {
        int i = environments.indexOf(environment);
        if (i < 0) {
            throw EngineException.badInput("environment " + environment.name() + " is not in the promotion order "
                    + names());
        }
        return i;
    }
}
