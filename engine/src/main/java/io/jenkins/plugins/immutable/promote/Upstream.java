package io.jenkins.plugins.immutable.promote;

import io.jenkins.plugins.immutable.EngineException;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Where an environment takes its digests from: the environments upstream of it, and whether a digest must have come
 * through all of them or through any one. An environment with nothing upstream takes digests straight from builds.
 *
 * @param environments the upstream environments' names, each once; empty for a first environment
 * @param requires     how many of them must hold a digest before it may enter (all by default)
 */
public record Upstream(List<String> environments, Requires requires) {

    /** Nothing upstream: digests come straight from builds. */
    public static final Upstream NONE = new Upstream(List.of(), Requires.ALL);

    /** How many of the upstream environments must hold a digest. */
    public enum Requires {
        /** Every upstream environment must hold it: a join (e.g. prod after both staging and perf). */
        ALL,
        /** One of them is enough: alternatives (e.g. a hotfix lane beside staging). */
        ANY;

        /** {@code all} or {@code any}, as written in the configuration; BAD_INPUT naming both otherwise. */
        public static Requires parse(String word) {
            String w = word == null ? "" : word.strip().toLowerCase(Locale.ROOT);
            return switch (w) {
                case "all" -> ALL;
                case "any" -> ANY;
                default -> throw EngineException.badInput("requires '" + word + "' is neither all nor any: write"
                        + " requires: all (a digest must have come through every upstream environment) or requires:"
                        + " any (one of them is enough)");
            };
        }

        /** The configuration's word: {@code all} or {@code any}. */
        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public Upstream {
        environments = List.copyOf(environments);
        requires = requires == null ? Requires.ALL : requires;
    }

    /** Every one of these environments must hold a digest. */
    public static Upstream all(String... environments) {
        return new Upstream(List.of(environments), Requires.ALL);
    }

    /** One of these environments holding a digest is enough. */
    public static Upstream any(String... environments) {
        return new Upstream(List.of(environments), Requires.ANY);
    }

    public boolean isEmpty() {
        return environments.isEmpty();
    }

    /** {@code staging}, {@code all of staging, perf}, {@code any of staging, hotfix}; {@code -} for none. */
    public String describe() {
        if (environments.isEmpty()) {
            return "-";
        }
        if (environments.size() == 1) {
            return environments.get(0);
        }
        return requires + " of " + String.join(", ", environments);
    }

    /** True when {@code environment} is one of them. */
    public boolean contains(String environment) {
        return environments.contains(Objects.requireNonNull(environment, "environment"));
    }
}
