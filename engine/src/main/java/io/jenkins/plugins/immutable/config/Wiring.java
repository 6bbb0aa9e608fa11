package io.jenkins.plugins.immutable.config;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.AuthConfig;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.ProgressListener;
import io.jenkins.plugins.immutable.analysis.AnalysisTemplate;
import io.jenkins.plugins.immutable.analysis.CanaryMetric;
import io.jenkins.plugins.immutable.analysis.CanaryReport;
import io.jenkins.plugins.immutable.analysis.Direction;
import io.jenkins.plugins.immutable.analysis.HAProxyStatsSource;
import io.jenkins.plugins.immutable.analysis.InconclusivePolicy;
import io.jenkins.plugins.immutable.analysis.MarginalHook;
import io.jenkins.plugins.immutable.analysis.MetricCanaryAnalysis;
import io.jenkins.plugins.immutable.analysis.MetricSource;
import io.jenkins.plugins.immutable.analysis.PrometheusSource;
import io.jenkins.plugins.immutable.analysis.ScoreThresholds;
import io.jenkins.plugins.immutable.attest.ProvenancePolicy;
import io.jenkins.plugins.immutable.deploy.BlueGreen;
import io.jenkins.plugins.immutable.deploy.Canary;
import io.jenkins.plugins.immutable.deploy.CanaryAnalysis;
import io.jenkins.plugins.immutable.deploy.CanaryDecision;
import io.jenkins.plugins.immutable.deploy.CanaryStep;
import io.jenkins.plugins.immutable.deploy.DeploymentStrategy;
import io.jenkins.plugins.immutable.deploy.DeploymentTarget;
import io.jenkins.plugins.immutable.deploy.HealthCheck;
import io.jenkins.plugins.immutable.deploy.Rolling;
import io.jenkins.plugins.immutable.deploy.TrafficRouter;
import io.jenkins.plugins.immutable.deploy.docker.DockerClients;
import io.jenkins.plugins.immutable.deploy.docker.DockerHostTarget;
import io.jenkins.plugins.immutable.deploy.haproxy.HAProxyRouter;
import io.jenkins.plugins.immutable.deploy.haproxy.HAProxyRuntime;
import io.jenkins.plugins.immutable.deploy.kubernetes.KubernetesServiceRouter;
import io.jenkins.plugins.immutable.deploy.kubernetes.KubernetesTarget;
import io.jenkins.plugins.immutable.deploy.swarm.SwarmTarget;
import io.jenkins.plugins.immutable.freeze.Freezes;
import io.jenkins.plugins.immutable.ledger.Ledger;
import io.jenkins.plugins.immutable.ledger.LedgerAnchors;
import io.jenkins.plugins.immutable.ledger.LedgerVersions;
import io.jenkins.plugins.immutable.ledger.LedgerKey;
import io.jenkins.plugins.immutable.ledger.LedgerLocation;
import io.jenkins.plugins.immutable.promote.ApprovalHook;
import io.jenkins.plugins.immutable.promote.DriftChecks;
import io.jenkins.plugins.immutable.promote.Environment;
import io.jenkins.plugins.immutable.promote.ErrorBudgetGuard;
import io.jenkins.plugins.immutable.promote.GatePolicy;
import io.jenkins.plugins.immutable.promote.PromotionGraph;
import io.jenkins.plugins.immutable.promote.Promoter;
import io.jenkins.plugins.immutable.promote.SloPolicy;
import io.jenkins.plugins.immutable.registry.HttpProxy;
import io.jenkins.plugins.immutable.registry.RegistryClient;
import io.jenkins.plugins.immutable.registry.RegistryCredentials;
import io.jenkins.plugins.immutable.scan.Policy;
import io.jenkins.plugins.immutable.scan.Scanner;
import io.jenkins.plugins.immutable.scan.osv.OsvDatabase;
import io.jenkins.plugins.immutable.sign.SigningKey;
import io.jenkins.plugins.immutable.sign.TrustPolicy;
import io.jenkins.plugins.immutable.sign.VerificationKey;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * Turns a {@link DeliveryConfig} into live engine objects: the registry client with every configured login, the
 * trusted keys and trust policies, signing keys, the scan policy and database, and per environment its deployment
 * target, traffic router and strategy. The CLI and the Jenkins plugin both build their engine objects here, so that
 * one configuration means the same thing in both.
 *
 * <p>Nothing is built until it is asked for, and each thing is built once per {@code Wiring} and shared: a caller that
 * needs only the registry client (the plugin on an agent, a {@code scan} on the command line) resolves no signing key
 * and connects to no Docker engine. Secrets pass from the {@link CredentialResolver} straight into the engine objects;
 * this class never logs or keeps them beyond the registry client's own table. Close it to release Docker connections
 * and the scan database.
 */
public final class Wiring implements AutoCloseable {

    /** The Docker engine address of a {@code docker:} or {@code swarm:} target that names none, on Linux. */
    public static final String DEFAULT_DOCKER_HOST = "unix:///var/run/docker.sock";

    /** The port of the Service a {@code kubernetes:} router puts in front of an environment. */
    public static final int KUBERNETES_SERVICE_PORT = 80;

    /** A swarm target's port range: two port bases of 100 for each of blue, green and baseline. */
    static final int SWARM_PORTS = 600;

    /** How long Swarm watches each updated task before it moves on. */
    private static final Duration SWARM_MONITOR = Duration.ofSeconds(5);

    private final DeliveryConfig config;
    private final CredentialResolver credentials;
    private final ProgressListener listener;
    private final String defaultDockerHost;
    private final Path dockerConfig;
    private final Path indexCache;
    private final LedgerAnchors ledgerAnchors;
    private final LedgerVersions ledgerVersions;
    private final int retryAttempts;
    private final Duration retryBackoff;
    private final ApprovalHook approval;
    private final MarginalHook marginal;
    private final BiConsumer<CanaryStep, CanaryReport> onCanaryReport;
    private final List<HttpProxy> proxies;

    private final Map<String, Optional<RegistryCredentials>> logins = new LinkedHashMap<>();
    private final Map<String, DockerClient> dockerClients = new LinkedHashMap<>();
    private final Map<String, DeploymentTarget> targets = new LinkedHashMap<>();
    private final Map<String, TrafficRouter> routers = new LinkedHashMap<>();
    private RegistryClient registry;
    private KubernetesClient kubernetes;
    private Ledger ledger;
    private Promoter promoter;
    private CanaryAnalysis canaryAnalysis;
    private final Map<String, MetricCanaryAnalysis> analyses = new LinkedHashMap<>();
    private final List<HAProxyStatsSource> statsSources = new ArrayList<>();
    private final Map<String, Environment> environments = new LinkedHashMap<>();
    private OsvDatabase database;
    private List<VerificationKey> allTrustedKeys;
    /** Private keys opened to sign ledger versions, by id: opened once (scrypt is slow), closed with this. */
    private final Map<String, SigningKey> ledgerSigners = new LinkedHashMap<>();
    /** Per ledger, its key as {@link #ledgerKey} builds it once (the public keys parsed, their tables kept). */
    private final Map<LedgerLocation, Optional<LedgerKey>> ledgerKeys = new LinkedHashMap<>();
    private boolean closed;

    private Wiring(Builder b) {
        this.config = b.config;
        this.credentials = b.credentials;
        this.listener = b.listener;
        this.defaultDockerHost = b.dockerHost;
        this.dockerConfig = b.dockerConfig;
        this.indexCache = b.indexCache;
        this.ledgerAnchors = b.ledgerAnchors;
        this.ledgerVersions = b.ledgerVersions;
        this.retryAttempts = b.retryAttempts;
        this.retryBackoff = b.retryBackoff;
        this.approval = b.approval;
        this.marginal = b.marginal;
        this.onCanaryReport = b.onCanaryReport;
        this.proxies = List.copyOf(b.proxies);
    }

    /** Starts a wiring of {@code config} whose secrets come from {@code credentials}. */
    public static Builder builder(DeliveryConfig config, CredentialResolver credentials) {
        return new Builder(config, credentials);
    }

    public DeliveryConfig config() {
        return config;
    }

    public ProgressListener listener() {
        return listener;
    }

    // ---------------------------------------------------------------------------------------------------- registry

    /**
     * The one registry client for this configuration: every configured registry's login (registries not listed, or
     * listed without credentials, are used anonymously or with Docker's config when the builder was given one), plain
     * HTTP where {@code insecure} says so, bounded retries reported to the listener, through the builder's proxies.
     */
    public synchronized RegistryClient registry() {
        requireOpen();
        if (registry == null) {
            RegistryClient.Builder b = RegistryClient.builder().listener(listener)
                    .retries(retryAttempts, retryBackoff);
            for (RegistryConfig r : config.registries()) {
                registryCredentials(r.host()).ifPresent(c -> b.credentials(r.host(), c));
                if (r.insecure()) {
                    b.insecure(r.host());
                }
            }
            if (dockerConfig != null) {
                b.dockerConfig(dockerConfig);
            }
            proxies.forEach(b::proxy);
            registry = b.build();
        }
        return registry;
    }

    /**
     * The login configured for a registry ({@code host[:port]}), resolved once; empty when the configuration names
     * none or the resolver has none for it (the registry is then used anonymously, or through Docker's config).
     */
    public synchronized Optional<RegistryCredentials> registryCredentials(String host) {
        requireOpen();
        return logins.computeIfAbsent(host, h -> config.registry(h)
                .flatMap(r -> Optional.ofNullable(credentials.registry(h, r.credentialsId())))
                .filter(c -> !c.isAnonymous()));
    }

    /**
     * Every configured registry's login by host, for engines that push or pull themselves (the Docker engine in
     * {@code bake}, the deployment targets).
     */
    public Map<String, RegistryCredentials> registryCredentials() {
        Map<String, RegistryCredentials> all = new LinkedHashMap<>();
        for (RegistryConfig r : config.registries()) {
            registryCredentials(r.host()).ifPresent(c -> all.put(r.host(), c));
        }
        return Map.copyOf(all);
    }

    // -------------------------------------------------------------------------------------------------------- keys

    /** Every trusted public key of {@code signing.trustedKeys}, in order (a PEM may hold several). */
    public synchronized List<VerificationKey> trustedKeys() {
        if (allTrustedKeys == null) {
            List<VerificationKey> keys = new ArrayList<>();
            for (SigningConfig.TrustedKeyConfig k : config.signing().trustedKeys()) {
                keys.addAll(keysOf(k));
            }
            allTrustedKeys = List.copyOf(keys);
        }
        return allTrustedKeys;
    }

    /** The public keys of the trusted keys with these ids; an unknown id is BAD_INPUT naming the known ones. */
    public List<VerificationKey> trustedKeys(Collection<String> ids) {
        LinkedHashSet<VerificationKey> keys = new LinkedHashSet<>();
        for (String id : ids) {
            SigningConfig.TrustedKeyConfig k = config.signing().trustedKey(id).orElseThrow(() ->
                    EngineException.badInput("there is no trusted key '" + id + "'; configured: "
                            + names(config.signing().trustedKeys().stream().map(SigningConfig.TrustedKeyConfig::id)
                            .toList()) + ". Add it under signing.trustedKeys"));
            keys.addAll(keysOf(k));
        }
        return List.copyOf(keys);
    }

    /**
     * What {@code verify} and the gates trust: the keys with these ids, or every trusted key when {@code ids} is
     * empty; BAD_INPUT when that leaves no key at all.
     */
    public TrustPolicy trustPolicy(Collection<String> ids) {
        List<VerificationKey> keys = ids.isEmpty() ? trustedKeys() : trustedKeys(ids);
        if (keys.isEmpty()) {
            throw EngineException.badInput("no trusted public key is configured to verify with; add the signer's"
                    + " public key under signing.trustedKeys (or give one with --key cosign.pub)");
        }
        return TrustPolicy.of(keys);
    }

    /**
     * Opens the signing key {@code id} of {@code signing.keys} through the credential resolver; the caller closes it
     * as soon as it has signed. An unknown id is BAD_INPUT naming the configured ones.
     */
    public SigningKey signingKey(String id) {
        SigningConfig.SigningKeyConfig key = config.signing().key(id).orElseThrow(() ->
                EngineException.badInput("there is no signing key '" + id + "'; configured: "
                        + names(config.signing().keys().stream().map(SigningConfig.SigningKeyConfig::id).toList())
                        + ". Add it under signing.keys"));
        return Objects.requireNonNull(credentials.signingKey(key), "the credential resolver returned no key");
    }

    private static List<VerificationKey> keysOf(SigningConfig.TrustedKeyConfig k) {
        return VerificationKey.allFromPem(k.publicKey(), "trusted key '" + k.id() + "'");
    }

    // -------------------------------------------------------------------------------------------------------- scan

    /** The scan policy of {@code scan}: failOn, failOnFixableOnly, the ignore list and acceptIncomplete. */
    public Policy scanPolicy() {
        return config.scan().policy();
    }

    /**
     * The OSV database of {@code scan.database}, opened (and indexed) once and shared; BAD_INPUT when none is
     * configured.
     */
    public synchronized OsvDatabase scanDatabase() {
        requireOpen();
        if (database == null) {
            String location = config.scan().database();
            if (location == null) {
                throw EngineException.badInput("no vulnerability database is configured: set scan.database to a"
                        + " directory or zip of OSV JSON files (osv.dev publishes one per ecosystem,"
                        + " <Ecosystem>/all.zip)");
            }
            database = OsvDatabase.open(Path.of(location), indexCache, listener);
        }
        return database;
    }

    /** A scanner over {@link #scanDatabase()} reporting to the listener. */
    public Scanner scanner() {
        return new Scanner(scanDatabase(), listener);
    }

    // ------------------------------------------------------------------------------------------------- environments

    /** The environment's configuration by name; BAD_INPUT listing the configured ones when there is none. */
    public EnvironmentConfig environment(String name) {
        return config.environment(name);
    }

    /**
     * The ledger over {@link #registry()}: one per Wiring, so its anchors (versions seen) are shared. The ledgers of
     * environments with a {@code ledgerKey} are signed and checked with it.
     */
    public synchronized Ledger ledger() {
        requireOpen();
        if (ledger == null) {
            ledger = new Ledger(registry(), ledgerAnchors, ledgerVersions, this::ledgerKey);
        }
        return ledger;
    }

    /**
     * The key the ledger at {@code where} is signed with: the {@code ledgerKey} of the configured environment of that
     * name and repository, its trusted public keys to verify, its private key (opened through the credential resolver
     * when a version is first written) when {@code signing.keys} has it. Empty for a ledger of no configured
     * environment, or of one without a ledger key.
     */
    public synchronized Optional<LedgerKey> ledgerKey(LedgerLocation where) {
        return ledgerKeys.computeIfAbsent(where, this::configuredLedgerKey);
    }

    private Optional<LedgerKey> configuredLedgerKey(LedgerLocation where) {
        Optional<String> id = config.environments().stream()
                .filter(e -> e.name().equals(where.environment()) && e.repositoryRef().equals(where.repository()))
                .findFirst().map(EnvironmentConfig::ledgerKey);
        if (id.isEmpty()) {
            return Optional.empty();
        }
        boolean canSign = config.signing().key(id.get()).isPresent();
        return Optional.of(new LedgerKey(id.get(), trustedKeys(List.of(id.get())),
                canSign ? () -> ledgerSigner(id.get()) : null));
    }

    private synchronized SigningKey ledgerSigner(String id) {
        requireOpen();
        return ledgerSigners.computeIfAbsent(id, this::signingKey);
    }

    /** Where the environment's ledger and tag live: its repository, tags {@code <name>} and {@code ledger-<name>}. */
    public LedgerLocation ledgerLocation(String environment) {
        EnvironmentConfig env = config.environment(environment);
        return new LedgerLocation(env.repositoryRef(), env.name());
    }

    /** Freezes and unfreezes the configured environments, in their ledgers; reports to the listener. */
    public Freezes freezes() {
        return new Freezes(ledger(), this::ledgerLocation, listener);
    }

    /**
     * Drift checks of the configured environments, reading their ledgers, reporting to the listener; they record
     * their findings once told who runs them ({@link DriftChecks#recordingAs}).
     */
    public DriftChecks driftChecks() {
        return new DriftChecks(ledger(), listener);
    }

    /**
     * The environment as the promoter runs it: its repository, replicas, target, router, strategy and gates. Built
     * once per environment.
     */
    public synchronized Environment environmentOf(String name) {
        Environment existing = environments.get(name);
        if (existing == null) {
            EnvironmentConfig e = config.environment(name);
            existing = new Environment(e.name(), e.repositoryRef(), e.replicas(), target(e.name()), router(e.name()),
                    strategy(e.name()), gates(e.gates()));
            environments.put(name, existing);
        }
        return existing;
    }

    /**
     * How digests flow between the environments (each names its upstream, or the list is the promotion order);
     * BAD_INPUT when none is configured.
     */
    public PromotionGraph graph() {
        if (config.environments().isEmpty()) {
            throw EngineException.badInput("no environment is configured: list them under environments, in"
                    + " promotion order or each with its upstream (docs/configuration.md)");
        }
        return config.graph();
    }

    /**
     * An environment's gates as the promoter runs them: {@code signedBy} ids become their trusted keys; the scan and
     * provenance attestations are trusted when signed by those keys, or by any trusted key when there are none.
     */
    public GatePolicy gates(GatesConfig gates) {
        Duration scanMaxAge = Durations.parse(gates.scanMaxAge());
        ProvenancePolicy provenance = gates.provenance() == null ? null : new ProvenancePolicy(
                Set.copyOf(gates.provenance().builderIds()), Set.copyOf(gates.provenance().sourceRepositories()),
                Set.of());
        List<VerificationKey> signedBy = gates.signedBy().isEmpty() ? List.of() : trustedKeys(gates.signedBy());
        List<VerificationKey> attestedBy = scanMaxAge == null && provenance == null ? List.of()
                : signedBy.isEmpty() ? trustedKeys() : signedBy;
        return new GatePolicy(signedBy, scanMaxAge, gates.fromPrevious(), gates.approval(), provenance, attestedBy,
                gates.windows() == null ? null : gates.windows().toWindows(), Durations.parse(gates.soak()),
                gates.slo() == null ? null : gates.slo().toPolicy(new PrometheusSource(URI.create(gates.slo()
                        .prometheus())).withProxies(proxies)));
    }

    /**
     * The promoter over every environment, this registry client and ledger, with the approval hook the builder was
     * given, reporting to the listener. One per Wiring.
     */
    public synchronized Promoter promoter() {
        requireOpen();
        if (promoter == null) {
            PromotionGraph graph = graph();
            Promoter.Builder b = Promoter.builder(registry(), ledger(), graph, graph.environments().stream()
                            .map(this::environmentOf).toList()).listener(listener)
                    .approval(approval).analysis(canaryAnalysis());
            promoter = b.build();
        }
        return promoter;
    }

    /**
     * The canary analysis the promoter gives its deployments: for each judgement, the analysis template that the
     * environment's canary names ({@code strategy.canary.analysis}), over that template's metric source, with the
     * builder's marginal hook and report consumer. A canary of an environment without a template goes on unjudged.
     * HAProxy statistics sources start sampling here, so that the first step has points.
     */
    public synchronized CanaryAnalysis canaryAnalysis() {
        requireOpen();
        if (canaryAnalysis == null) {
            for (EnvironmentConfig e : config.environments()) {
                templateOf(e.name()).ifPresent(this::analysis);
            }
            CanaryAnalysis judged = step -> {
                Optional<String> template = templateOf(step.environment());
                if (template.isEmpty()) {
                    return CanaryDecision.proceed("environment " + step.environment() + " names no analysis"
                            + " template (strategy.canary.analysis): the canary goes on unjudged");
                }
                return analysis(template.get()).judge(step, inconclusivePolicyOf(step.environment()));
            };
            Map<String, SloPolicy> budgets = new LinkedHashMap<>();
            for (EnvironmentConfig e : config.environments()) {
                if (e.gates().slo() != null && e.gates().slo().betweenCanarySteps()) {
                    budgets.put(e.name(), gates(e.gates()).slo());
                }
            }
            canaryAnalysis = budgets.isEmpty() ? judged : new ErrorBudgetGuard(judged, budgets::get,
                    this::inconclusivePolicyOf, Clock.systemUTC());
        }
        return canaryAnalysis;
    }

    /** The analysis of one template, built once (it keeps each deployment's report). */
    public synchronized MetricCanaryAnalysis analysis(String templateName) {
        requireOpen();
        MetricCanaryAnalysis existing = analyses.get(templateName);
        if (existing != null) {
            return existing;
        }
        AnalysisTemplateConfig t = config.analysisTemplate(templateName).orElseThrow(() -> EngineException.badInput(
                "there is no analysis template '" + templateName + "'; configured: " + names(config
                        .analysisTemplates().stream().map(AnalysisTemplateConfig::name).toList())));
        AnalysisTemplate template = analysisTemplate(t);
        MetricSource source;
        if (t.source() instanceof AnalysisTemplateConfig.Prometheus p) {
            source = new PrometheusSource(URI.create(p.url())).withStep(DeliveryConfig.POINT).withProxies(proxies);
        } else {
            AnalysisTemplateConfig.Haproxy h = (AnalysisTemplateConfig.Haproxy) t.source();
            HAProxyStatsSource stats = HAProxyStatsSource.start(new HAProxyRuntime(Path.of(h.socket())),
                    DeliveryConfig.POINT, template.metrics());
            statsSources.add(stats);
            source = stats;
        }
        MetricCanaryAnalysis.Builder b = MetricCanaryAnalysis.builder(template, source).marginal(marginal)
                .listener(listener);
        if (t.interval() != null) {
            b.interval(Durations.parse(t.interval()));
        }
        b.marginalTimeout(Durations.parse(t.marginalTimeout()));
        b.consecutiveErrorLimit(t.consecutiveErrorLimit()).errorBackoff(Durations.parse(t.errorBackoff()));
        if (onCanaryReport != null) {
            b.onReport(onCanaryReport);
        }
        MetricCanaryAnalysis built = b.build();
        analyses.put(templateName, built);
        return built;
    }

    /** The engine's form of an analysis template of the configuration. */
    public static AnalysisTemplate analysisTemplate(AnalysisTemplateConfig t) {
        List<CanaryMetric> metrics = new ArrayList<>();
        for (AnalysisTemplateConfig.MetricConfig m : t.metrics()) {
            if (m.query() == null) {
                throw EngineException.badInput("metric '" + m.name() + "' of analysis template '" + t.name() + "' has"
                        + " no query: give the PromQL (with ${scope}) or the HAProxy statistics field it reads");
            }
            CanaryMetric metric = CanaryMetric.of(m.name(), m.query()).inGroup(m.group())
                    .failingOn(Direction.parse(m.direction()));
            if (m.critical()) {
                metric = metric.asCritical();
            }
            if (m.mustHaveData()) {
                metric = metric.requiringData();
            }
            metrics.add(metric);
        }
        return new AnalysisTemplate(metrics, t.groups(), new ScoreThresholds(t.thresholds().pass(),
                t.thresholds().marginal()), t.confidence(), t.minimumPoints(), 0);
    }

    /** The environment's policy on an inconclusive canary analysis (strategy.canary.onInconclusive). */
    private InconclusivePolicy inconclusivePolicyOf(String environment) {
        return config.environments().stream().filter(e -> e.name().equals(environment)).findFirst()
                .map(EnvironmentConfig::strategy)
                .filter(s -> s instanceof StrategyConfig.Canary)
                .map(s -> ((StrategyConfig.Canary) s).inconclusivePolicy())
                .orElse(InconclusivePolicy.HOLD);
    }

    private Optional<String> templateOf(String environment) {
        return config.environments().stream().filter(e -> e.name().equals(environment)).findFirst()
                .map(EnvironmentConfig::strategy)
                .filter(s -> s instanceof StrategyConfig.Canary)
                .map(s -> ((StrategyConfig.Canary) s).analysis());
    }

    /** Where the environment's instances run, built once per environment. */
    public synchronized DeploymentTarget target(String environment) {
        requireOpen();
        DeploymentTarget existing = targets.get(environment);
        if (existing != null) {
            return existing;
        }
        EnvironmentConfig env = config.environment(environment);
        DeploymentTarget target;
        if (env.target() instanceof TargetConfig.Docker d) {
            TargetConfig.PortRange ports = TargetConfig.PortRange.parse(d.ports());
            target = new DockerHostTarget(docker(d.host()), d.address(), ports.first(), ports.last(),
                    healthCheck(d.healthCheck()), Map.of(), pullAuth(env));
        } else if (env.target() instanceof TargetConfig.Swarm sw) {
            TargetConfig.PortRange ports = TargetConfig.PortRange.parse(sw.ports());
            if (ports.first() % 100 != 0 || ports.last() - ports.first() + 1 < SWARM_PORTS) {
                throw EngineException.badInput("environment '" + environment + "': a swarm target needs "
                        + SWARM_PORTS + " ports starting at a multiple of 100 (two port bases for each of blue, green"
                        + " and baseline), e.g. " + "24200-24799; got " + sw.ports());
            }
            String host = sw.host() != null ? sw.host() : defaultDockerHost;
            target = new SwarmTarget(docker(host), addressOf(host), ports.first(), healthCheck(sw.healthCheck()),
                    SWARM_MONITOR);
        } else {
            TargetConfig.Kubernetes k = (TargetConfig.Kubernetes) env.target();
            target = new KubernetesTarget(kubernetes(), k.namespace(), k.containerPort(),
                    healthCheck(k.healthCheck()));
        }
        targets.put(environment, target);
        return target;
    }

    /** What splits the environment's traffic: its router, or {@link TrafficRouter#NONE} when it names none. */
    public synchronized TrafficRouter router(String environment) {
        requireOpen();
        TrafficRouter existing = routers.get(environment);
        if (existing != null) {
            return existing;
        }
        EnvironmentConfig env = config.environment(environment);
        TrafficRouter router;
        if (env.router() == null) {
            router = TrafficRouter.NONE;
        } else if (env.router() instanceof RouterConfig.Haproxy h) {
            router = new HAProxyRouter(new HAProxyRuntime(Path.of(h.socket())));
        } else {
            if (!(env.target() instanceof TargetConfig.Kubernetes k)) {
                throw EngineException.badInput("environment '" + environment + "' routes with a Kubernetes Service,"
                        + " which only fronts a kubernetes target; use the haproxy router for a docker target");
            }
            router = new KubernetesServiceRouter(kubernetes(), k.namespace(), KUBERNETES_SERVICE_PORT,
                    k.containerPort());
        }
        routers.put(environment, router);
        return router;
    }

    /** The environment's own strategy, as the deployment engine runs it. */
    public DeploymentStrategy strategy(String environment) {
        return strategy(config.environment(environment).strategy());
    }

    /**
     * A strategy written as configuration (also how a Pipeline step's or a command line's strategy argument becomes
     * the engine's). A canary judged by an analysis template runs a baseline beside it, so that the judge compares
     * new instances with new instances.
     */
    public static DeploymentStrategy strategy(StrategyConfig strategy) {
        if (strategy instanceof StrategyConfig.Rolling r) {
            return new Rolling(r.batch());
        }
        if (strategy instanceof StrategyConfig.BlueGreen b) {
            return new BlueGreen(Durations.parse(b.retention()));
        }
        StrategyConfig.Canary c = (StrategyConfig.Canary) strategy;
        Duration pause = Durations.parse(c.pause());
        return new Canary(c.steps().stream().map(w -> new Canary.Step(w, pause)).toList(), c.replicas(),
                c.analysis() != null);
    }

    private HealthCheck healthCheck(String path) {
        return new HealthCheck(path, HealthCheck.DEFAULT.timeout(), HealthCheck.DEFAULT.interval());
    }

    /** Where a Swarm node's published ports are reached: the engine's host for tcp://, loopback for a socket. */
    private static String addressOf(String dockerHost) {
        if (dockerHost.startsWith("tcp://")) {
            String rest = dockerHost.substring("tcp://".length());
            int colon = rest.lastIndexOf(':');
            return colon > 0 ? rest.substring(0, colon) : rest;
        }
        return "127.0.0.1";
    }

    /** One Kubernetes client per Wiring, configured from the usual places (KUBECONFIG, ~/.kube/config, in-cluster). */
    private KubernetesClient kubernetes() {
        if (kubernetes == null) {
            kubernetes = new KubernetesClientBuilder().build();
        }
        return kubernetes;
    }

    private DockerClient docker(String host) {
        String address = host != null ? host : defaultDockerHost;
        return dockerClients.computeIfAbsent(address, DockerClients::connect);
    }

    /** The Docker engine pulls the environment's images itself, so it gets the repository's registry login. */
    private AuthConfig pullAuth(EnvironmentConfig env) {
        String host = env.repositoryRef().registry();
        return registryCredentials(host).map(c -> dockerAuth(host, c)).orElse(null);
    }

    /** docker-java's form of a registry login. Never logged. */
    public static AuthConfig dockerAuth(String host, RegistryCredentials c) {
        AuthConfig auth = new AuthConfig().withRegistryAddress(host);
        return switch (c.kind()) {
            case USERNAME_PASSWORD -> auth.withUsername(c.username()).withPassword(c.secret());
            case IDENTITY_TOKEN -> auth.withUsername(c.username()).withIdentityToken(c.secret());
            case BEARER_TOKEN -> auth.withRegistrytoken(c.secret());
            case ANONYMOUS -> null;
        };
    }

    // ----------------------------------------------------------------------------------------------------- helpers

    private static String names(List<String> names) {
        return names.isEmpty() ? "none" : String.join(", ", names);
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("this Wiring was closed");
        }
    }

    /** Releases the Docker connections and the scan database; the registry client holds nothing to release. */
    @Override
    public synchronized void close() {
        closed = true;
        for (DockerClient d : dockerClients.values()) {
            try {
                d.close();
            } catch (IOException e) {
                listener.line("closing the Docker connection failed: " + e.getMessage());
            }
        }
        dockerClients.clear();
        ledgerSigners.values().forEach(SigningKey::close);
        ledgerSigners.clear();
        statsSources.forEach(HAProxyStatsSource::close);
        statsSources.clear();
        if (kubernetes != null) {
            kubernetes.close();
            kubernetes = null;
        }
        if (database != null) {
            database.close();
            database = null;
        }
    }

    /** Configures a {@link Wiring}. */
    public static final class Builder {
        private final DeliveryConfig config;
        private final CredentialResolver credentials;
        private ProgressListener listener = ProgressListener.NONE;
        private String dockerHost = DEFAULT_DOCKER_HOST;
        private Path dockerConfig;
        private Path indexCache;
        private LedgerAnchors ledgerAnchors = LedgerAnchors.NONE;
        private LedgerVersions ledgerVersions = LedgerVersions.NONE;
        private int retryAttempts = 5;
        private Duration retryBackoff = Duration.ofMillis(250);
        private ApprovalHook approval = ApprovalHook.UNAVAILABLE;
        private MarginalHook marginal = MarginalHook.NOBODY;
        private BiConsumer<CanaryStep, CanaryReport> onCanaryReport;
        private final List<HttpProxy> proxies = new ArrayList<>();

        private Builder(DeliveryConfig config, CredentialResolver credentials) {
            this.config = Objects.requireNonNull(config, "config");
            this.credentials = Objects.requireNonNull(credentials, "credentials");
        }

        /** Where engine objects report progress; nothing by default. */
        public Builder listener(ProgressListener value) {
            this.listener = value == null ? ProgressListener.NONE : value;
            return this;
        }

        /**
         * The Docker engine of targets that name no {@code host}: the DOCKER_HOST of the machine that deploys (the
         * CLI's environment, the Jenkins agent's). Null keeps {@link #DEFAULT_DOCKER_HOST}.
         */
        public Builder dockerHost(String value) {
            this.dockerHost = value == null || value.isBlank() ? DEFAULT_DOCKER_HOST : value.strip();
            return this;
        }

        /**
         * Also use Docker's {@code config.json} (credential helpers, credsStore, auths) for registries the
         * configuration gives no login for. The CLI does; Jenkins keeps to its credentials store.
         */
        public Builder dockerConfig(Path configJson) {
            this.dockerConfig = configJson;
            return this;
        }

        /** Where the OSV database's index is cached between processes; none by default. */
        public Builder scanIndexCache(Path dir) {
            this.indexCache = dir;
            return this;
        }

        /**
         * Where the ledger keeps its anchors (the last verified head of each ledger) between runs, so that a ledger
         * tag moved back or deleted is detected; none by default (the ledger trusts only what it saw itself).
         */
        public Builder ledgerAnchors(LedgerAnchors value) {
            this.ledgerAnchors = Objects.requireNonNull(value, "ledgerAnchors");
            return this;
        }

        /**
         * Where the ledger keeps copies of the ledger versions it reads, so that a version is downloaded once (each
         * copy is checked against its digest before use); none by default (every version is read from the registry).
         */
        public Builder ledgerVersions(LedgerVersions value) {
            this.ledgerVersions = Objects.requireNonNull(value, "ledgerVersions");
            return this;
        }

        /**
         * Who approves a promotion into an environment whose gates ask for approval (Jenkins: the input step; CLI:
         * --approve or a prompt). By default no one can be asked, so such promotions are refused, saying how to approve.
         */
        public Builder approval(ApprovalHook hook) {
            this.approval = Objects.requireNonNull(hook, "hook");
            return this;
        }

        /**
         * Who decides a Marginal canary verdict (Jenkins: an input step; CLI: a prompt or a flag). By default nobody:
         * the canary holds until the analysis' timeout, then rolls back.
         */
        public Builder marginal(MarginalHook hook) {
            this.marginal = Objects.requireNonNull(hook, "hook");
            return this;
        }

        /** Called after every canary judgement with the deployment's report so far (to show or store it). */
        public Builder onCanaryReport(BiConsumer<CanaryStep, CanaryReport> consumer) {
            this.onCanaryReport = consumer;
            return this;
        }

        /** Registry retries: attempts and first backoff (doubling); 5 and 250 ms by default. */
        public Builder registryRetries(int attempts, Duration firstBackoff) {
            if (attempts < 1) {
                throw new IllegalArgumentException("attempts must be at least 1");
            }
            this.retryAttempts = attempts;
            this.retryBackoff = Objects.requireNonNull(firstBackoff, "firstBackoff");
            return this;
        }

        /**
         * Sends the engine's outbound HTTP (registries and their token services, Prometheus) through this proxy, except
         * to the hosts it exempts; call once more with a proxy for the other scheme when http and https use different
         * ones. The Docker engine and HAProxy are reached over their sockets, and health checks go straight to the
         * instances, never through it.
         */
        public Builder proxy(HttpProxy httpProxy) {
            this.proxies.add(Objects.requireNonNull(httpProxy, "httpProxy"));
            return this;
        }

        public Wiring build() {
            HttpProxy.checkSchemes(proxies);
            return new Wiring(this);
        }
    }
}
