package io.jenkins.plugins.immutable.config;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.analysis.AnalysisTemplate;
import io.jenkins.plugins.immutable.analysis.CanaryMetric;
import io.jenkins.plugins.immutable.analysis.Direction;
import io.jenkins.plugins.immutable.analysis.MetricSource;
import io.jenkins.plugins.immutable.analysis.Scope;
import io.jenkins.plugins.immutable.analysis.Scopes;
import io.jenkins.plugins.immutable.analysis.ScoreThresholds;
import io.jenkins.plugins.immutable.deploy.BlueGreen;
import io.jenkins.plugins.immutable.deploy.Canary;
import io.jenkins.plugins.immutable.deploy.Rolling;
import io.jenkins.plugins.immutable.deploy.TrafficRouter;
import io.jenkins.plugins.immutable.image.Repository;
import io.jenkins.plugins.immutable.ledger.LedgerKey;
import io.jenkins.plugins.immutable.ledger.LedgerLocation;
import io.jenkins.plugins.immutable.promote.Environment;
import io.jenkins.plugins.immutable.promote.GatePolicy;
import io.jenkins.plugins.immutable.registry.RegistryCredentials;
import io.jenkins.plugins.immutable.scan.Severity;
import io.jenkins.plugins.immutable.sign.SigningKey;
import io.jenkins.plugins.immutable.testing.NoCredentials;
import io.jenkins.plugins.immutable.testing.ProxyLog;
import io.jenkins.plugins.immutable.testing.Stack;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.Test;

public class WiringTest {

    private final SigningKey releaseKey = SigningKey.generate();
    private final List<String> resolved = new ArrayList<>();

    /** A resolver that hands out the stack's auth registry password and one signing key, and notes what it was asked. */
    private final CredentialResolver resolver = new CredentialResolver() {
        @Override
        public RegistryCredentials registry(String host, String credentialsId) {
            resolved.add(host + "=" + credentialsId);
            return "stack-auth".equals(credentialsId)
                    ? RegistryCredentials.basic(Stack.authRegistryUser(), Stack.authRegistryPassword()) : null;
        }

        @Override
        public SigningKey signingKey(SigningConfig.SigningKeyConfig key) {
            resolved.add("key=" + key.credentialsId());
            return releaseKey;
        }
    };

    private DeliveryConfig config(String environmentsAndMore) {
        return ConfigYaml.parse("""
                registries:
                  - host: %s
                    credentialsId: stack-auth
                signing:
                  keys:
                    - { id: release, credentialsId: release-key }
                  trustedKeys:
                    - id: release
                      publicKey: |
                %s
                scan:
                  database: %s
                  failOn: medium
                %s
                """.formatted(Stack.authRegistry(), releaseKey.publicKey().toPem().indent(8).stripTrailing(),
                osvDatabase(), environmentsAndMore), "immutable.yaml");
    }

    @Test
    public void registryClientLogsInWithTheConfiguredCredentialsAndNothingIsResolvedBeforeItIsNeeded() {
        try (Wiring wiring = Wiring.builder(config(""), resolver).build()) {
            assertTrue("built lazily: " + resolved, resolved.isEmpty());
            Repository repo = Repository.parse(Stack.authRegistry() + "/" + Stack.uniqueRepository("wiring"));
            assertEquals(List.of(), wiring.registry().listTags(repo));
            assertEquals(List.of(Stack.authRegistry() + "=stack-auth"), resolved);
            assertSame(wiring.registry(), wiring.registry());
            assertEquals(Set.of(Stack.authRegistry()), wiring.registryCredentials().keySet());
        }
    }

    @Test
    public void registryWithoutItsCredentialsIsRefusedWithAClearError() {
        CredentialResolver none = new NoCredentials();
        try (Wiring wiring = Wiring.builder(config(""), none).build()) {
            Repository repo = Repository.parse(Stack.authRegistry() + "/" + Stack.uniqueRepository("wiring"));
            EngineException e = assertThrows(EngineException.class, () -> wiring.registry().listTags(repo));
            assertEquals(EngineException.Kind.BAD_INPUT, e.kind());
        }
    }

    @Test
    public void keysAreFoundByIdAndUnknownIdsNameTheConfiguredOnes() {
        try (Wiring wiring = Wiring.builder(config(""), resolver).build()) {
            assertEquals(List.of(releaseKey.publicKey()), wiring.trustedKeys(List.of("release")));
            assertEquals(List.of(releaseKey.publicKey()), wiring.trustPolicy(List.of()).keys());
            assertSame(releaseKey, wiring.signingKey("release"));
            EngineException e = assertThrows(EngineException.class, () -> wiring.signingKey("nightly"));
            assertTrue(e.getMessage(), e.getMessage().contains("no signing key 'nightly'; configured: release"));
            e = assertThrows(EngineException.class, () -> wiring.trustedKeys(List.of("ops")));
            assertTrue(e.getMessage(), e.getMessage().contains("no trusted key 'ops'; configured: release"));
        }
    }

    @Test
    public void anEnvironmentsLedgerKeySignsAndVerifiesItsLedgerAndNoOtherAndOpensThePrivateKeyOnlyToWrite() {
        String yaml = """
                environments:
                  - name: staging
                    repository: 127.0.0.1:5101/app
                    target: { docker: { ports: 1-2 } }
                  - name: prod
                    repository: 127.0.0.1:5101/app
                    target: { docker: { ports: 1-2 } }
                    ledgerKey: release
                """;
        try (Wiring wiring = Wiring.builder(config(yaml), resolver).build()) {
            LedgerKey key = wiring.ledgerKey(wiring.ledgerLocation("prod")).orElseThrow();
            assertEquals("release", key.id());
            assertEquals(List.of(releaseKey.publicKey()), key.trusted());
            assertTrue("the private key is opened when a version is written, not before: " + resolved,
                    resolved.isEmpty());
            assertSame(releaseKey, key.signer().get());
            assertSame("opened once", key.signer().get(), key.signer().get());
            assertEquals(List.of("key=release-key"), resolved);
            assertTrue(wiring.ledgerKey(wiring.ledgerLocation("staging")).isEmpty());
            assertTrue("another repository's prod is not this one", wiring.ledgerKey(new LedgerLocation(
                    Repository.parse("127.0.0.1:5101/other"), "prod")).isEmpty());
        }
    }

    @Test
    public void scanPolicyAndDatabaseComeFromTheScanSection() {
        try (Wiring wiring = Wiring.builder(config(""), resolver).build()) {
            assertEquals(Severity.MEDIUM, wiring.scanPolicy().failAt());
            assertTrue(wiring.scanDatabase().info().records() > 0);
            assertSame(wiring.scanDatabase(), wiring.scanDatabase());
        }
        try (Wiring wiring = Wiring.builder(DeliveryConfig.EMPTY, resolver).build()) {
            EngineException e = assertThrows(EngineException.class, wiring::scanDatabase);
            assertTrue(e.getMessage(), e.getMessage().contains("set scan.database"));
        }
    }

    @Test
    public void strategiesBecomeTheDeploymentEnginesOwn() {
        assertEquals(new Rolling(2), Wiring.strategy(new StrategyConfig.Rolling(2)));
        assertEquals(new BlueGreen(Duration.ofMinutes(10)), Wiring.strategy(new StrategyConfig.BlueGreen(null)));
        Canary judged = (Canary) Wiring.strategy(new StrategyConfig.Canary(List.of(10, 50), "20s", "default", 2));
        assertEquals(List.of(new Canary.Step(10, Duration.ofSeconds(20)), new Canary.Step(50, Duration.ofSeconds(20))),
                judged.steps());
        assertEquals(2, judged.canaryReplicas());
        assertTrue("a judged canary runs a baseline to compare with", judged.baseline());
        assertFalse(((Canary) Wiring.strategy(new StrategyConfig.Canary(List.of(10, 90), "1s", null, 1))).baseline());
        EngineException e = assertThrows(EngineException.class,
                () -> new StrategyConfig.Canary(List.of(25, 75), "1s", "default", 1));
        assertTrue(e.getMessage(), e.getMessage().contains("at or below 50"));
    }

    @Test
    public void environmentsGetTheirTargetAndRouterOnTheStack() {
        String yaml = """
                environments:
                  - name: wiring-dev
                    repository: %s/%s
                    target:
                      docker: { ports: "28900-28919" }
                    router:
                      haproxy: { socket: %s }
                  - name: wiring-prod
                    repository: %s/%s
                    target:
                      docker: { host: "%s", ports: "28920-28939" }
                """.formatted(Stack.registry(), Stack.uniqueRepository("wiring"), Stack.haproxySocket(),
                Stack.authRegistry(), Stack.uniqueRepository("wiring"), Stack.dockerHost());
        try (Wiring wiring = Wiring.builder(config(yaml), resolver).dockerHost(Stack.dockerHost()).build()) {
            assertEquals(List.of(), wiring.target("wiring-dev").instances("wiring-dev"));
            assertSame(wiring.target("wiring-dev"), wiring.target("wiring-dev"));
            assertTrue(wiring.router("wiring-dev").describe(), wiring.router("wiring-dev").describe()
                    .contains("HAProxy"));
            assertSame(TrafficRouter.NONE, wiring.router("wiring-prod"));
            assertEquals(List.of(), wiring.target("wiring-prod").instances("wiring-prod"));
            assertTrue("the prod repository's registry login is resolved for the engine's pulls: " + resolved,
                    resolved.contains(Stack.authRegistry() + "=stack-auth"));
            EngineException e = assertThrows(EngineException.class, () -> wiring.target("qa"));
            assertTrue(e.getMessage(), e.getMessage().contains("configured: wiring-dev, wiring-prod"));
        }
    }

    @Test
    public void swarmTargetsNeedSixHundredPortsFromAHundredAndRunOnTheStacksSwarm() {
        String yaml = """
                environments:
                  - name: wiring-swarm
                    repository: %s/%s
                    target:
                      swarm: { ports: "28200-28799" }
                    strategy:
                      rolling: { batch: 1 }
                  - name: wiring-narrow
                    repository: %s/%s
                    target:
                      swarm: { ports: "28150-28199" }
                """.formatted(Stack.registry(), Stack.uniqueRepository("wiring"), Stack.registry(),
                Stack.uniqueRepository("wiring"));
        try (Wiring wiring = Wiring.builder(config(yaml), resolver).dockerHost(Stack.dockerHost()).build()) {
            assertEquals(List.of(), wiring.target("wiring-swarm").instances("wiring-swarm"));
            EngineException e = assertThrows(EngineException.class, () -> wiring.target("wiring-narrow"));
            assertTrue(e.getMessage(), e.getMessage().contains("needs 600 ports starting at a multiple of 100"));
        }
    }

    @Test
    public void environmentsBecomeAPromotionGraphWithTheirGates() {
        String yaml = """
                environments:
                  - name: wiring-dev
                    repository: %s/%s
                    target: { docker: { ports: "28940-28959" } }
                  - name: wiring-prod
                    repository: %s/%s
                    target: { docker: { ports: "28960-28979" } }
                    strategy: { rolling: { batch: 2 } }
                    gates: { signedBy: [release], scanMaxAge: 6h, approval: true }
                """.formatted(Stack.registry(), Stack.uniqueRepository("wiring"), Stack.registry(),
                Stack.uniqueRepository("wiring"));
        try (Wiring wiring = Wiring.builder(config(yaml), resolver).dockerHost(Stack.dockerHost()).build()) {
            assertEquals("wiring-dev -> wiring-prod", wiring.graph().describe());
            Environment prod = wiring.environmentOf("wiring-prod");
            assertSame(prod, wiring.promoter().environment("wiring-prod"));
            assertEquals(new Rolling(2), prod.strategy());
            assertEquals(List.of(releaseKey.publicKey()), prod.gates().signedBy());
            assertEquals(List.of(releaseKey.publicKey()), prod.gates().attestedBy());
            assertEquals(Duration.ofHours(6), prod.gates().scanMaxAge());
            assertTrue(prod.gates().approval() && prod.gates().fromPrevious());
            assertEquals(GatePolicy.ORDER_ONLY, wiring.environmentOf("wiring-dev").gates());
            assertSame(wiring.promoter(), wiring.promoter());
        }
        try (Wiring wiring = Wiring.builder(DeliveryConfig.EMPTY, resolver).build()) {
            EngineException e = assertThrows(EngineException.class, wiring::graph);
            assertTrue(e.getMessage(), e.getMessage().contains("no environment is configured"));
        }
    }

    @Test
    public void analysisTemplatesBecomeTheJudgesOwnWithTheirSource() {
        String yaml = """
                environments:
                  - name: wiring-canary
                    repository: %s/%s
                    target: { docker: { ports: "28980-28999" } }
                    router: { haproxy: { socket: %s } }
                    strategy: { canary: { steps: [10, 50], pause: 30s, analysis: errors } }
                analysisTemplates:
                  - name: errors
                    source: { prometheus: { url: "%s" } }
                    minimumPoints: 25
                    thresholds: { pass: 90, marginal: 60 }
                    groups: { failures: 80, latency: 20 }
                    metrics:
                      - { name: error-rate, group: failures, critical: true, direction: increase,
                          query: 'sum(irate(haproxy_server_http_responses_total{code="5xx",${scope}}[3s]))' }
                      - { name: slow, group: latency, mustHaveData: true,
                          query: 'avg(haproxy_server_response_time_average_seconds{${scope}})' }
                """.formatted(Stack.registry(), Stack.uniqueRepository("wiring"), Stack.haproxySocket(),
                Stack.require("IMMUTABLE_PROMETHEUS"));
        try (Wiring wiring = Wiring.builder(config(yaml), resolver).dockerHost(Stack.dockerHost()).build()) {
            AnalysisTemplate t = Wiring.analysisTemplate(wiring.config().analysisTemplate("errors").orElseThrow());
            assertEquals(25, t.minimumPoints());
            assertEquals(0.98, t.confidence(), 0);
            assertEquals(new ScoreThresholds(90, 60), t.thresholds());
            assertEquals(80.0, t.groupWeights().get("failures"), 0);
            CanaryMetric errors = t.metrics().get(0);
            assertEquals(Direction.INCREASE, errors.direction());
            assertTrue(errors.critical() && !errors.mustHaveData());
            assertEquals("latency", t.metrics().get(1).group());
            assertTrue(t.metrics().get(1).mustHaveData());
            assertSame(wiring.analysis("errors"), wiring.analysis("errors"));
            assertSame(wiring.canaryAnalysis(), wiring.canaryAnalysis());
            EngineException e = assertThrows(EngineException.class, () -> wiring.analysis("latency"));
            assertTrue(e.getMessage(), e.getMessage().contains("no analysis template 'latency'; configured: errors"));
        }
    }

    @Test
    public void theProxyCarriesTheRegistryClientAndThePrometheusSource() {
        String yaml = """
                analysisTemplates:
                  - name: errors
                    source: { prometheus: { url: "%s" } }
                    metrics:
                      - { name: weight, query: 'max(haproxy_server_weight{${scope}})' }
                """.formatted(Stack.prometheus());
        ProxyLog log = ProxyLog.mark();
        try (Wiring wiring = Wiring.builder(config(yaml), resolver).proxy(Stack.proxy()).build()) {
            Repository repo = Repository.parse(Stack.authRegistry() + "/" + Stack.uniqueRepository("wiring-proxied"));
            assertEquals(List.of(), wiring.registry().listTags(repo));
            assertTrue("the registry client goes through the proxy: " + log.requests(),
                    log.requestsMentioning(repo.path() + "/tags/list").size() >= 1);

            MetricSource source = wiring.analysis("errors").source();
            Instant end = Instant.now().minusSeconds(2);
            source.fetch(CanaryMetric.of("weight", "max(haproxy_server_weight{${scope}})"),
                    new Scopes(new Scope(Scope.Role.BASELINE, "prod", List.of("baseline1")),
                            new Scope(Scope.Role.CANARY, "prod", List.of("green1"))), end.minusSeconds(5), end);
            assertEquals("the Prometheus source goes through the proxy: " + log.requests(), 2,
                    log.requestsMentioning(Stack.prometheus() + "/api/v1/query_range?").size());
        }
    }

    private static String osvDatabase() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path db = dir.resolve("testdata/osv-db");
            if (db.toFile().isDirectory()) {
                return db.toString();
            }
        }
        throw new IllegalStateException("testdata/osv-db not found above " + Path.of("").toAbsolutePath());
    }
}
