package io.jenkins.plugins.immutable.promote;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.analysis.InconclusivePolicy;
import io.jenkins.plugins.immutable.analysis.PrometheusSource;
import io.jenkins.plugins.immutable.config.ConfigYaml;
import io.jenkins.plugins.immutable.config.CredentialResolver;
import io.jenkins.plugins.immutable.config.DeliveryConfig;
import io.jenkins.plugins.immutable.config.Wiring;
import io.jenkins.plugins.immutable.deploy.CanaryAnalysis;
import io.jenkins.plugins.immutable.deploy.CanaryDecision;
import io.jenkins.plugins.immutable.deploy.CanaryStep;
import io.jenkins.plugins.immutable.deploy.BlueGreen;
import io.jenkins.plugins.immutable.deploy.HealthCheck;
import io.jenkins.plugins.immutable.deploy.docker.DockerClients;
import io.jenkins.plugins.immutable.deploy.docker.DockerHostTarget;
import io.jenkins.plugins.immutable.deploy.haproxy.HAProxyRuntime;
import io.jenkins.plugins.immutable.image.Digest;
import io.jenkins.plugins.immutable.image.Repository;
import io.jenkins.plugins.immutable.ledger.Ledger;
import io.jenkins.plugins.immutable.registry.RegistryClient;
import io.jenkins.plugins.immutable.testing.LoadLoop;
import io.jenkins.plugins.immutable.testing.NoCredentials;
import io.jenkins.plugins.immutable.testing.Stack;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * The error-budget gate against the stack's Prometheus, which scrapes the stack's HAProxy every second: test2's
 * backend is routed to a service that answers every other request with a 500, test3's to one that always answers
 * 200, both under load, and the gate reads their real error ratios over two windows.
 */
public class SloGateTest {

    private static final String FAILING = "test2";
    private static final String HEALTHY = "test3";
    private static final String ERROR_RATIO = "sum(rate(haproxy_backend_http_responses_total{${scope},code=\"5xx\"}"
            + "[${window}])) / sum(rate(haproxy_backend_http_responses_total{${scope}}[${window}]))";

    private static HttpServer failing;
    private static HttpServer healthy;
    private static final List<LoadLoop> LOADS = new ArrayList<>();
    private static final HAProxyRuntime HAPROXY = new HAProxyRuntime(Stack.haproxySocket());

    @BeforeClass
    public static void routeAndLoad() throws Exception {
        failing = server(2);
        healthy = server(0);
        route(FAILING, failing.getAddress().getPort());
        route(HEALTHY, healthy.getAddress().getPort());
        Thread.sleep(2500); // HAProxy's health check (every second, rise 1) marks the slots up
        // the load runs until the class ends, so the short window still has requests in the last test
        LOADS.add(LoadLoop.start(port(FAILING), "/app", 2));
        LOADS.add(LoadLoop.start(port(HEALTHY), "/app", 2));
        Thread.sleep(25_000); // more than the longest window below, at one scrape a second
    }

    @AfterClass
    public static void unroute() throws Exception {
        for (LoadLoop load : LOADS) {
            load.close();
        }
        for (String backend : List.of(FAILING, HEALTHY)) {
            HAPROXY.change("set server " + backend + "/blue1 state maint");
        }
        failing.stop(0);
        healthy.stop(0);
    }

    /** {@code /} answers 200 (HAProxy's health check); {@code /app} a 500 for every {@code failEvery}-th request. */
    private static HttpServer server(int failEvery) throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        AtomicInteger count = new AtomicInteger();
        server.createContext("/", exchange -> {
            boolean fail = exchange.getRequestURI().getPath().equals("/app") && failEvery > 0
                    && count.incrementAndGet() % failEvery == 0;
            byte[] body = (fail ? "failed\n" : "ok\n").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(fail ? 500 : 200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        return server;
    }

    /** Sends the backend's traffic to one slot at the port; every other slot stays out of rotation. */
    private static void route(String backend, int port) {
        for (Map<String, String> s : HAPROXY.serversState(backend)) {
            String name = s.get("srv_name");
            if (name != null && !name.equals("blue1")) {
                HAPROXY.change("set server " + backend + "/" + name + " state maint");
            }
        }
        HAPROXY.change("set server " + backend + "/blue1 addr 127.0.0.1 port " + port);
        HAPROXY.change("set server " + backend + "/blue1 state ready");
        HAPROXY.change("set weight " + backend + "/blue1 100");
    }

    private static int port(String frontend) {
        String address = Stack.haproxyFrontend(frontend);
        return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
    }

    private static SloPolicy policy(String prometheus, double threshold) {
        return new SloPolicy(new PrometheusSource(URI.create(prometheus)), ERROR_RATIO, 0.99,
                List.of(new SloPolicy.BurnWindow(Duration.ofSeconds(5), threshold),
                        new SloPolicy.BurnWindow(Duration.ofSeconds(20), threshold)));
    }

    /** Environments named after the stack's backends; nothing is deployed, the gates refuse first or are read alone. */
    private static Environment environment(String name, GatePolicy gates) {
        return new Environment(name, new Repository(Stack.registry(), Stack.uniqueRepository("slo-" + name)), 1,
                new DockerHostTarget(DockerClients.connect(Stack.dockerHost()), "127.0.0.1", 1, 2,
                        HealthCheck.DEFAULT), null, new BlueGreen(Duration.ZERO), gates);
    }

    private static GateResult check(SloPolicy policy, Environment previous, Environment target) {
        return check(policy, previous == null ? List.of() : List.of(previous), Upstream.Requires.ALL, target);
    }

    private static GateResult check(SloPolicy policy, List<Environment> upstreams, Upstream.Requires requires,
            Environment target) {
        Ledger ledger = new Ledger(RegistryClient.builder().build());
        GateContext c = new GateContext(io.jenkins.plugins.immutable.ledger.Action.PROMOTE,
                target.repository().digest(Digest.sha256(new byte[] {1})), target, upstreams.stream()
                .map(u -> new GateContext.UpstreamLedger(u, ledger.read(u.location()))).toList(), requires,
                ledger.read(target.location()), "alice", null);
        return new SloGate(policy, Clock.systemUTC()).check(c);
    }

    @Test
    public void withTwoUpstreamsAnyNeedsOneThatHoldsAndAllNeedsEach() {
        SloPolicy policy = policy(Stack.prometheus(), 10);
        Environment failing = environment(FAILING, GatePolicy.ORDER_ONLY);
        Environment healthy = environment(HEALTHY, GatePolicy.ORDER_ONLY);
        // the target is read too: the healthy backend, so that only the upstreams decide
        Environment target = environment(HEALTHY, GatePolicy.ORDER_ONLY);

        GateResult any = check(policy, List.of(failing, healthy), Upstream.Requires.ANY, target);
        assertTrue(any.toString(), any.passed());
        assertTrue(any.message(), any.message().startsWith("error budgets hold, SLO 99%: " + FAILING + " (20s: error"
                + " ratio "));
        assertTrue(any.message(), any.message().endsWith(" (" + HEALTHY + " requires any of its upstream"
                + " environments, and 1 of 2 hold)"));

        GateResult all = check(policy, List.of(failing, healthy), Upstream.Requires.ALL, target);
        assertEquals(all.toString(), false, all.passed());
        assertTrue(all.message(), all.message().startsWith("burning its error budget too fast for a promotion, SLO"
                + " 99%: " + FAILING + " (20s: error ratio "));
        assertTrue("only the burning one is named: " + all.message(), !all.message().contains(HEALTHY + " ("));

        GateResult none = check(policy, List.of(failing, failing), Upstream.Requires.ANY, target);
        assertEquals(none.toString(), false, none.passed());
        assertTrue(none.message(), none.message().contains(" (" + HEALTHY + " requires any of its upstream"
                + " environments, and every one is burning). Every window"));
    }

    @Test
    public void aTargetBurningItsBudgetInEveryWindowIsRefusedWithTheNumbers() {
        Environment upstream = environment(HEALTHY, GatePolicy.ORDER_ONLY);
        Environment target = environment(FAILING, GatePolicy.ORDER_ONLY);
        GateResult r = check(policy(Stack.prometheus(), 10), upstream, target);
        assertEquals(r.toString(), false, r.passed());
        // every other request fails: an error ratio near 50%, a burn rate near 50 against a 1% budget
        assertTrue(r.message(), r.message().matches("burning its error budget too fast for a promotion, SLO 99%: "
                + FAILING + " \\(20s: error ratio (4\\d|5\\d)(\\.\\d+)?%, burn rate \\d+(\\.\\d+)? >= 10; 5s: error ratio"
                + " (4\\d|5\\d)(\\.\\d+)?%, burn rate \\d+(\\.\\d+)? >= 10\\)\\. Every window is at or over its"
                + " threshold: wait until the short window recovers, or find out why it fails"));
        assertTrue("the healthy upstream is not named", !r.message().contains(HEALTHY + " ("));
    }

    @Test
    public void budgetsThatHoldPassShowingTheNumbersOfBothEnvironments() {
        GateResult r = check(policy(Stack.prometheus(), 60), environment(HEALTHY, GatePolicy.ORDER_ONLY),
                environment(FAILING, GatePolicy.ORDER_ONLY));
        assertTrue(r.toString(), r.passed());
        assertTrue(r.message(), r.message().matches("error budgets hold, SLO 99%: " + HEALTHY + " \\(20s: error ratio"
                + " 0%, burn rate 0 < 60; 5s: error ratio 0%, burn rate 0 < 60\\); " + FAILING + " \\(20s: error"
                + " ratio .*< 60; 5s: .*< 60\\)"));
    }

    @Test
    public void aPromotionIntoTheBurningEnvironmentIsRefusedAndAPrometheusOutageIsAnOutage() {
        RegistryClient client = RegistryClient.builder().build();
        Environment upstream = environment(HEALTHY, GatePolicy.ORDER_ONLY);
        Environment target = environment(FAILING, new GatePolicy(List.of(), null, false, false, null, List.of())
                .withSlo(policy(Stack.prometheus(), 10)));
        Promoter promoter = Promoter.builder(client, new Ledger(client), upstream, target).build();
        Digest digest = Digest.sha256("not pushed: refused before it is read".getBytes(StandardCharsets.UTF_8));
        PromotionRefusedException e = assertThrows(PromotionRefusedException.class, () -> promoter.promote(
                PromotionRequest.of(upstream.repository().digest(digest), FAILING, "alice", null)));
        assertEquals(EngineException.Kind.REFUSED, e.kind());
        assertEquals(List.of(SloGate.NAME), e.refusals().stream().map(GateResult::gate).toList());
        assertTrue(e.getMessage(), e.getMessage().contains("burn rate"));

        int dead = freePort();
        Environment unreachable = environment(FAILING, GatePolicy.ORDER_ONLY.withSlo(policy("http://127.0.0.1:" + dead,
                10)));
        Promoter blind = Promoter.builder(client, new Ledger(client), unreachable).build();
        EngineException outage = assertThrows(EngineException.class, () -> blind.promote(
                PromotionRequest.of(upstream.repository().digest(digest), FAILING, "alice", null)));
        assertEquals(outage.getMessage(), EngineException.Kind.OUTAGE, outage.kind());
        assertTrue(outage.getMessage(), outage.getMessage().startsWith("cannot reach Prometheus at http://127.0.0.1:"
                + dead));
    }

    private static CanaryStep step(String environment, int holds) {
        Digest live = Digest.sha256(new byte[] {1});
        Digest canary = Digest.sha256(new byte[] {2});
        return new CanaryStep(environment, "d1", 0, 3, 25, live, canary, List.of(), List.of(), List.of("green1"),
                List.of("baseline1"), environment, Instant.now().minusSeconds(30), holds);
    }

    private static ErrorBudgetGuard guard(CanaryAnalysis analysis, SloPolicy policy, InconclusivePolicy inconclusive) {
        return new ErrorBudgetGuard(analysis, env -> env.equals(FAILING) || env.equals(HEALTHY) ? policy : null,
                env -> inconclusive, Clock.systemUTC());
    }

    @Test
    public void betweenCanaryStepsABurningEnvironmentRollsTheCanaryBackWithTheNumbers() throws Exception {
        ErrorBudgetGuard guard = guard(s -> CanaryDecision.proceed("Pass, score 100"), policy(Stack.prometheus(), 10),
                InconclusivePolicy.HOLD);
        CanaryDecision burning = guard.judge(step(FAILING, 0));
        assertEquals(burning.toString(), CanaryDecision.Action.ROLL_BACK, burning.action());
        assertTrue(burning.reason(), burning.reason().matches("error budget: burning too fast at 25%, SLO 99%: "
                + FAILING + " \\(20s: error ratio (4\\d|5\\d)(\\.\\d+)?%, burn rate .* >= 10; 5s: .* >= 10\\),"
                + " every window at or over its threshold \\(the analysis had said: Pass, score 100\\)"));

        CanaryDecision holding = guard.judge(step(HEALTHY, 0));
        assertEquals(holding.toString(), CanaryDecision.Action.CONTINUE, holding.action());
        assertTrue(holding.reason(), holding.reason().startsWith("Pass, score 100; error budget holds, SLO 99%: "
                + HEALTHY + " (20s: error ratio 0%"));

        CanaryDecision held = guard(s -> CanaryDecision.hold("Marginal"), policy(Stack.prometheus(), 10),
                InconclusivePolicy.HOLD).judge(step(HEALTHY, 0));
        assertEquals("the analysis' hold stands", CanaryDecision.Action.HOLD, held.action());

        CanaryDecision unguarded = guard.judge(step("dev", 0));
        assertEquals("an environment that does not check between steps keeps the analysis' decision",
                "Pass, score 100", unguarded.reason());
    }

    @Test
    public void aBudgetThatCannotBeReadBetweenStepsFollowsTheInconclusivePolicy() throws Exception {
        SloPolicy blind = policy("http://127.0.0.1:" + freePort(), 10);
        CanaryAnalysis pass = s -> CanaryDecision.proceed("Pass");
        CanaryDecision first = guard(pass, blind, InconclusivePolicy.HOLD).judge(step(FAILING, 0));
        assertEquals(first.toString(), CanaryDecision.Action.HOLD, first.action());
        assertTrue(first.reason(), first.reason().matches("Pass; the error budget could not be read \\(cannot reach"
                + " Prometheus at http://127\\.0\\.0\\.1:\\d+.*\\); held at 25% and read again after the pause \\(at"
                + " most 3 times\\)"));
        CanaryDecision last = guard(pass, blind, InconclusivePolicy.HOLD).judge(step(FAILING,
                ErrorBudgetGuard.UNREAD_HOLDS));
        assertEquals(last.toString(), CanaryDecision.Action.ROLL_BACK, last.action());
        assertTrue(last.reason(), last.reason().endsWith("after 3 holds at this weight; rolled back rather than going"
                + " on blind"));
        CanaryDecision strict = guard(pass, blind, InconclusivePolicy.ROLL_BACK).judge(step(FAILING, 0));
        assertEquals(strict.toString(), CanaryDecision.Action.ROLL_BACK, strict.action());

        CanaryDecision failed = guard(s -> CanaryDecision.rollBack("Fail, score 12"), blind, InconclusivePolicy.HOLD)
                .judge(step(FAILING, 0));
        assertEquals("a failed canary is rolled back without asking Prometheus", "Fail, score 12", failed.reason());
    }

    @Test
    public void theConfigurationTurnsTheCheckBetweenCanaryStepsOn() throws Exception {
        String yaml = """
                environments:
                  - name: %s
                    repository: %s/%s
                    target: { docker: { ports: 1-2 } }
                    router: { haproxy: { socket: %s } }
                    strategy: { canary: { steps: [25], pause: 0s } }
                    gates:
                      slo:
                        prometheus: %s
                        errorRatio: '%s'
                        objective: 99
                        burnRates: { 20s: 10, 5s: 10 }
                        betweenCanarySteps: true
                """.formatted(FAILING, Stack.registry(), Stack.uniqueRepository("slo-wiring"), Stack.haproxySocket(),
                Stack.prometheus(), ERROR_RATIO);
        DeliveryConfig config = ConfigYaml.parse(yaml, "immutable.yaml");
        assertTrue(config.environment(FAILING).gates().slo().betweenCanarySteps());
        assertFalse(ConfigYaml.parse(yaml.replace("        betweenCanarySteps: true\n", ""), "immutable.yaml")
                .environment(FAILING).gates().slo().betweenCanarySteps());
        CredentialResolver none = new NoCredentials();
        try (Wiring wiring = Wiring.builder(config, none).build()) {
            CanaryDecision d = wiring.canaryAnalysis().judge(step(FAILING, 0));
            assertEquals(d.toString(), CanaryDecision.Action.ROLL_BACK, d.action());
            assertTrue(d.reason(), d.reason().startsWith("error budget: burning too fast at 25%"));
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
