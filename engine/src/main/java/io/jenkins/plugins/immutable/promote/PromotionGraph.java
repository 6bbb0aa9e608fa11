package io.jenkins.plugins.immutable.promote;

import io.jenkins.plugins.immutable.EngineException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * How digests flow between environments: each environment names its {@link Upstream upstream} environments (none for
 * one that takes digests straight from builds), so that {@code prod} and a variant such as {@code prod-acme} can both
 * take from {@code staging} and serve different digests at once. The graph runs one way: no cycle, no environment its
 * own upstream, every upstream a known environment. A plain promotion order (dev, test, prod) is the chain in which
 * each environment's upstream is the one before it.
 *
 * @param environments every environment's name, in topological order: each after all of its upstream environments,
 *                     ties kept in the order the environments were given (so a chain keeps its order)
 * @param upstreams    each environment's upstream
 */
public record PromotionGraph(List<String> environments, Map<String, Upstream> upstreams) {

    /**
     * Checks the graph and puts the environments in topological order.
     *
     * @param environments the names as listed (the order breaks ties)
     * @param upstreams    the upstream of each; an environment not in the map has none
     * @throws EngineException BAD_INPUT naming the problem and what to write instead: no environment, a name given
     *         twice, an unknown upstream, an environment its own upstream, an upstream named twice, a cycle
     */
    public PromotionGraph {
        environments = List.copyOf(environments);
        if (environments.isEmpty()) {
            throw EngineException.badInput("no environment is configured: list them under environments, in promotion"
                    + " order or each with its upstream (docs/configuration.md)");
        }
        Set<String> names = new HashSet<>();
        for (String e : environments) {
            if (!names.add(e)) {
                throw EngineException.badInput("environment " + e + " is listed twice; each environment has one place"
                        + " in the promotion graph");
            }
        }
        for (String e : upstreams.keySet()) {
            if (!names.contains(e)) {
                throw EngineException.badInput("an upstream is given for " + e + ", which is not among the"
                        + " environments " + String.join(", ", environments));
            }
        }
        Map<String, Upstream> complete = new LinkedHashMap<>();
        for (String e : environments) {
            complete.put(e, upstreams.getOrDefault(e, Upstream.NONE));
        }
        Optional<Problem> problem = problem(environments, complete);
        if (problem.isPresent()) {
            throw EngineException.badInput(problem.get().message());
        }
        environments = topological(environments, complete);
        upstreams = Map.copyOf(complete);
    }

    /** A plain promotion order: each environment takes from the one before it, the first from builds. */
    public static PromotionGraph chain(List<String> environments) {
        Map<String, Upstream> upstreams = new HashMap<>();
        for (int i = 1; i < environments.size(); i++) {
            upstreams.put(environments.get(i), Upstream.all(environments.get(i - 1)));
        }
        return new PromotionGraph(environments, upstreams);
    }

    /** {@link #chain(List)} of these names. */
    public static PromotionGraph chain(String... environments) {
        return chain(List.of(environments));
    }

    /**
     * What is wrong with an upstream entry, for a configuration reader to point at.
     *
     * @param environment the environment whose upstream is wrong
     * @param index       which of its upstream entries (0-based)
     * @param message     what is wrong and what to write instead
     */
    public record Problem(String environment, int index, String message) {
    }

    /**
     * The first problem of these upstreams, in the order the environments are listed: an environment named as its own
     * upstream, an upstream that is not an environment, one named twice, or an entry that closes a cycle (reported at
     * the entry where the walk along upstreams comes back to where it was).
     */
    public static Optional<Problem> problem(List<String> environments, Map<String, Upstream> upstreams) {
        Set<String> known = new LinkedHashSet<>(environments);
        for (String e : environments) {
            List<String> ups = upstream(upstreams, e).environments();
            Set<String> seen = new HashSet<>();
            for (int i = 0; i < ups.size(); i++) {
                String u = ups.get(i);
                if (u.equals(e)) {
                    return Optional.of(new Problem(e, i, e + " names itself as its upstream: a digest cannot come"
                            + " through the environment it is to enter. Name the environment it takes digests from"
                            + " (e.g. upstream: [" + suggestion(environments, e) + "]), or write upstream: [] if it"
                            + " takes them straight from builds"));
                }
                if (!known.contains(u)) {
                    return Optional.of(new Problem(e, i, e + "'s upstream '" + u + "' is not an environment of this"
                            + " configuration; name one of " + String.join(", ", others(environments, e))
                            + ", or add an environment " + u));
                }
                if (!seen.add(u)) {
                    return Optional.of(new Problem(e, i, e + "'s upstream names '" + u + "' twice; name each"
                            + " upstream environment once"));
                }
            }
        }
        Map<String, Integer> state = new HashMap<>();
        for (String e : environments) {
            Optional<Problem> cycle = cycleFrom(e, upstreams, state, new ArrayList<>());
            if (cycle.isPresent()) {
                return cycle;
            }
        }
        return Optional.empty();
    }

    private static final int ON_PATH = 1;
    private static final int DONE = 2;

    /** Walks from {@code e} along upstreams; an upstream already on the walk's path closes a cycle. */
    private static Optional<Problem> cycleFrom(String e, Map<String, Upstream> upstreams, Map<String, Integer> state,
            List<String> path) {
        if (state.getOrDefault(e, 0) == DONE) {
            return Optional.empty();
        }
        state.put(e, ON_PATH);
        path.add(e);
        List<String> ups = upstream(upstreams, e).environments();
        for (int i = 0; i < ups.size(); i++) {
            String u = ups.get(i);
            if (state.getOrDefault(u, 0) == ON_PATH) {
                // digests would flow u -> e -> ... -> u: each path entry takes from the one after it
                List<String> flow = new ArrayList<>();
                flow.add(u);
                for (int k = path.size() - 1; k >= path.indexOf(u); k--) {
                    flow.add(path.get(k));
                }
                return Optional.of(new Problem(e, i, e + "'s upstream '" + u + "' closes a cycle: "
                        + String.join(" -> ", flow) + " (each takes its digests from the one before), so no digest"
                        + " could enter any of them first. Remove '" + u + "' from " + e + "'s upstream, or another"
                        + " link of the cycle: digests flow one way, from builds towards production (e.g. dev ->"
                        + " staging -> prod)"));
            }
            Optional<Problem> deeper = cycleFrom(u, upstreams, state, path);
            if (deeper.isPresent()) {
                return deeper;
            }
        }
        path.remove(path.size() - 1);
        state.put(e, DONE);
        return Optional.empty();
    }

    private static Upstream upstream(Map<String, Upstream> upstreams, String e) {
        Upstream u = upstreams.get(e);
        return u == null ? Upstream.NONE : u;
    }

    /** Kahn's algorithm, taking among the ready environments the one listed first. */
    private static List<String> topological(List<String> listed, Map<String, Upstream> upstreams) {
        List<String> order = new ArrayList<>();
        Set<String> placed = new HashSet<>();
        while (order.size() < listed.size()) {
            for (String e : listed) {
                if (!placed.contains(e) && placed.containsAll(upstreams.get(e).environments())) {
                    order.add(e);
                    placed.add(e);
                    break;
                }
            }
        }
        return List.copyOf(order);
    }

    private static List<String> others(List<String> environments, String e) {
        return environments.stream().filter(n -> !n.equals(e)).toList();
    }

    private static String suggestion(List<String> environments, String e) {
        int i = environments.indexOf(e);
        return i > 0 ? environments.get(i - 1) : others(environments, e).stream().findFirst().orElse("dev");
    }

    // ------------------------------------------------------------------------------------------------------ reading

    public boolean contains(String environment) {
        return upstreams.containsKey(environment);
    }

    /** The environment's upstream (names and how many are required); BAD_INPUT for an unknown environment. */
    public Upstream upstream(String environment) {
        Upstream u = upstreams.get(environment);
        if (u == null) {
            throw EngineException.badInput("there is no environment '" + environment + "'; the environments are "
                    + String.join(", ", environments));
        }
        return u;
    }

    /** The environments it takes digests from; empty for a first environment. */
    public List<String> upstreams(String environment) {
        return upstream(environment).environments();
    }

    /** How many of its upstream environments must hold a digest. */
    public Upstream.Requires requires(String environment) {
        return upstream(environment).requires();
    }

    /** The environments that take digests from it directly, in topological order. */
    public List<String> downstreams(String environment) {
        upstream(environment);
        return environments.stream().filter(e -> upstreams.get(e).contains(environment)).toList();
    }

    /** Every environment a digest can reach from it, directly or through others, in topological order. */
    public List<String> reachableFrom(String environment) {
        Set<String> reached = new HashSet<>();
        reached.add(environment);
        List<String> out = new ArrayList<>();
        for (String e : environments) {
            if (!e.equals(environment) && upstreams.get(e).environments().stream().anyMatch(reached::contains)) {
                reached.add(e);
                out.add(e);
            }
        }
        return out;
    }

    /** The environments that take digests straight from builds. */
    public List<String> roots() {
        return environments.stream().filter(e -> upstreams.get(e).isEmpty()).toList();
    }

    /**
     * The environments nothing takes from: production and its variants, where delivery ends (the DORA keys are read
     * there).
     */
    public List<String> leaves() {
        Set<String> feeding = upstreams.values().stream().flatMap(u -> u.environments().stream())
                .collect(Collectors.toSet());
        return environments.stream().filter(e -> !feeding.contains(e)).toList();
    }

    /** True when it is a plain promotion order: one root, and each environment takes from the one before it. */
    public boolean isChain() {
        for (int i = 0; i < environments.size(); i++) {
            List<String> ups = upstreams.get(environments.get(i)).environments();
            if (i == 0 ? !ups.isEmpty() : !ups.equals(List.of(environments.get(i - 1)))) {
                return false;
            }
        }
        return true;
    }

    /**
     * {@code dev -> staging -> prod} for a chain; otherwise each environment with what it takes from:
     * {@code dev; staging <- dev; prod <- staging; prod-acme <- staging}.
     */
    public String describe() {
        if (isChain()) {
            return String.join(" -> ", environments);
        }
        return environments.stream().map(e -> upstreams.get(e).isEmpty() ? e
                : e + " <- " + upstreams.get(e).describe()).collect(Collectors.joining("; "));
    }
}
