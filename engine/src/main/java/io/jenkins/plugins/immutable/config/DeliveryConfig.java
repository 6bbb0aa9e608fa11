package io.jenkins.plugins.immutable.config;

import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.promote.PromotionGraph;
import io.jenkins.plugins.immutable.promote.Upstream;
import java.io.Serializable;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The whole configuration: what {@code immutable.yaml} holds and what Jenkins' global configuration page edits.
 * Cross-references are checked here (a canary's analysis template exists, a gate's key is trusted), so a mistake is
 * reported when the configuration is read, not in the middle of a promotion.
 */
public record DeliveryConfig(List<RegistryConfig> registries, SigningConfig signing, ScanConfig scan,
        List<EnvironmentConfig> environments, List<AnalysisTemplateConfig> analysisTemplates, RetentionConfig retention)
        implements Serializable {

    private static final long serialVersionUID = 1L;

    public static final DeliveryConfig EMPTY = new DeliveryConfig(null, null, null, null, null, null);

    public DeliveryConfig {
        registries = Text.list(registries, "registries");
        signing = signing == null ? SigningConfig.NONE : signing;
        scan = scan == null ? ScanConfig.DEFAULTS : scan;
        environments = Text.list(environments, "environments");
        analysisTemplates = Text.list(analysisTemplates, "analysisTemplates");
        retention = retention == null ? RetentionConfig.DEFAULTS : retention;
        Set<String> hosts = new HashSet<>();
        for (int i = 0; i < registries.size(); i++) {
            RegistryConfig r = registries.get(i);
            if (!hosts.add(r.host())) {
                throw Text.invalid("registries[" + i + "].host", "registry '" + r.host() + "' is listed twice; keep"
                        + " one entry per host");
            }
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < environments.size(); i++) {
            EnvironmentConfig e = environments.get(i);
            String at = "environments[" + i + "]";
            if (!names.add(e.name())) {
                throw Text.invalid(at + ".name", "environment '" + e.name() + "' is listed twice; names must be"
                        + " unique");
            }
            for (String key : e.gates().signedBy()) {
                if (signing.trustedKey(key).isEmpty()) {
                    throw Text.invalid(at + ".gates.signedBy", "environment '" + e.name() + "' requires a signature"
                            + " by '" + key + "', which is not among the trusted keys; add it under"
                            + " signing.trustedKeys");
                }
            }
            if (e.ledgerKey() != null && signing.trustedKey(e.ledgerKey()).isEmpty()) {
                throw Text.invalid(at + ".ledgerKey", "environment '" + e.name() + "' signs its ledger with the key '"
                        + e.ledgerKey() + "', which is not among the trusted keys; add its public key under"
                        + " signing.trustedKeys with that id (and, where the ledger is written, the private key under"
                        + " signing.keys)");
            }
            if ((e.gates().scanMaxAge() != null || e.gates().provenance() != null)
                    && signing.trustedKeys().isEmpty()) {
                throw Text.invalid(at + ".gates", "environment '" + e.name() + "' gates on signed scan or provenance"
                        + " attestations, but no key is trusted to sign them; add the signer's public key under"
                        + " signing.trustedKeys");
            }
            if (e.strategy() instanceof StrategyConfig.Canary c && c.analysis() != null) {
                AnalysisTemplateConfig t = analysisTemplates.stream().filter(a -> a.name().equals(c.analysis()))
                        .findFirst().orElseThrow(() -> Text.invalid(at + ".strategy.analysis", "environment '"
                                + e.name() + "' uses the analysis template '" + c.analysis() + "', which is not"
                                + " defined; add it under analysisTemplates"));
                requireWindow(at + ".strategy.pause", "the canary's pause", c.pause(), t);
            }
        }
        requireOneWayGraph(environments);
        Set<String> templates = new HashSet<>();
        for (int i = 0; i < analysisTemplates.size(); i++) {
            AnalysisTemplateConfig t = analysisTemplates.get(i);
            if (!templates.add(t.name())) {
                throw Text.invalid("analysisTemplates[" + i + "].name", "analysis template '" + t.name()
                        + "' is defined twice");
            }
            // the weights are checked with the metrics they weigh: now, not when a canary first needs the template
            if (t.metrics().stream().allMatch(m -> m.query() != null)) {
                Text.in("analysisTemplates[" + i + "].groups", () -> Wiring.analysisTemplate(t));
            }
        }
    }

    /**
     * Upstreams, when named, form a graph that runs one way (no cycle, no unknown or self upstream), and then every
     * environment but the first names its own: one without would be ambiguous (the list order, or builds?).
     */
    private static void requireOneWayGraph(List<EnvironmentConfig> environments) {
        if (environments.stream().allMatch(e -> e.upstream() == null)) {
            return; // a plain promotion order, as before the graph
        }
        List<String> names = environments.stream().map(EnvironmentConfig::name).toList();
        for (int i = 1; i < environments.size(); i++) {
            EnvironmentConfig e = environments.get(i);
            if (e.upstream() == null) {
                String before = names.get(i - 1);
                throw Text.invalid("environments[" + i + "]", "'" + e.name() + "' names no upstream while other"
                        + " environments do, so it is not clear whether it takes digests from " + before + " (the"
                        + " environment listed before it, as in a plain promotion order) or straight from builds;"
                        + " write upstream: [" + before + "], or upstream: [] for builds");
            }
        }
        Map<String, Upstream> upstreams = new HashMap<>();
        environments.stream().filter(e -> e.upstream() != null).forEach(e -> upstreams.put(e.name(),
                e.toUpstream()));
        PromotionGraph.problem(names, upstreams).ifPresent(p -> {
            throw Text.invalid("environments[" + names.indexOf(p.environment()) + "].upstream[" + p.index() + "]",
                    p.message());
        });
    }

    /**
     * How digests flow between the environments: each names its upstream environments, or, when none does, each takes
     * from the one listed before it (a plain promotion order). BAD_INPUT when no environment is configured.
     */
    public PromotionGraph graph() {
        List<String> names = environments.stream().map(EnvironmentConfig::name).toList();
        if (environments.stream().allMatch(e -> e.upstream() == null)) {
            return PromotionGraph.chain(names);
        }
        Map<String, Upstream> upstreams = new HashMap<>();
        environments.stream().filter(e -> e.upstream() != null).forEach(e -> upstreams.put(e.name(),
                e.toUpstream()));
        return new PromotionGraph(names, upstreams);
    }

    /** How long one point of a metric takes: the metric sources' step (Prometheus) and sampling period (HAProxy). */
    static final Duration POINT = Duration.ofSeconds(1);

    /**
     * A judgement needs {@code minimumPoints} points per scope, one a second: a shorter window is judged NoData every
     * time, which is better refused now than found out in the middle of a release.
     */
    private static void requireWindow(String field, String what, String window, AnalysisTemplateConfig t) {
        Duration needed = POINT.multipliedBy(t.minimumPoints());
        Duration given = Durations.parse(window);
        if (given.compareTo(needed) < 0) {
            throw Text.invalid(field, what + " of " + window + " gives the analysis '" + t.name() + "' "
                    + given.toSeconds() + " points (one a second), fewer than its minimumPoints " + t.minimumPoints()
                    + ": make it at least " + Durations.format(needed) + ", or lower minimumPoints");
        }
    }

    /** The same configuration with other scan settings (a step's or a command's own). */
    public DeliveryConfig withScan(ScanConfig newScan) {
        return new DeliveryConfig(registries, signing, newScan, environments, analysisTemplates, retention);
    }

    /** The same configuration with other environments. */
    public DeliveryConfig withEnvironments(List<EnvironmentConfig> newEnvironments) {
        return new DeliveryConfig(registries, signing, scan, newEnvironments, analysisTemplates, retention);
    }

    /** The environment by name, or an error listing the known ones. */
    public EnvironmentConfig environment(String name) {
        return environments.stream().filter(e -> e.name().equals(name)).findFirst()
                .orElseThrow(() -> EngineException.badInput("there is no environment '" + name + "'; configured: "
                        + (environments.isEmpty() ? "none" : String.join(", ",
                                environments.stream().map(EnvironmentConfig::name).toList()))));
    }

    public Optional<AnalysisTemplateConfig> analysisTemplate(String name) {
        return analysisTemplates.stream().filter(t -> t.name().equals(name)).findFirst();
    }

    public Optional<RegistryConfig> registry(String host) {
        return registries.stream().filter(r -> r.host().equals(host)).findFirst();
    }
}
