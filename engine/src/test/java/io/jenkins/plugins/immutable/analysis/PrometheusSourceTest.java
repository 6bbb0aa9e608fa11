package io.jenkins.plugins.immutable.analysis;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.testing.LoadLoop;
import io.jenkins.plugins.immutable.testing.Stack;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.ClassRule;
import org.junit.Test;

/** The Prometheus source against a real Prometheus scraping a real HAProxy's exporter. */
public class PrometheusSourceTest {

    @ClassRule
    public static final AnalysisServers SERVERS = new AnalysisServers();

    private static final CanaryMetric ERRORS = CanaryMetric.of("errors",
            "sum(irate(haproxy_server_http_responses_total{code=\"5xx\",${scope}}[1s]))").failingOn(Direction.INCREASE);

    private static Scopes scopes() {
        return new Scopes(new Scope(Scope.Role.BASELINE, SERVERS.environment, List.of("baseline1")),
                new Scope(Scope.Role.CANARY, SERVERS.environment, List.of("green1")));
    }

    private static PrometheusSource source() {
        return new PrometheusSource(SERVERS.prometheus()).withStep(Duration.ofMillis(250));
    }

    /** Live, canary failing one request in five, and baseline, under load for a few seconds. */
    private static synchronized Instant[] trafficOnce() throws Exception {
        if (traffic == null) {
            SERVERS.route("blue1", SERVERS.instance("live", 0), 80);
            SERVERS.route("green1", SERVERS.instance("canary", 5), 10);
            SERVERS.route("baseline1", SERVERS.instance("baseline", 0), 10);
            Instant start = Instant.now();
            try (LoadLoop load = LoadLoop.start(SERVERS.frontend(), "/app", 3)) {
                Thread.sleep(6000);
            }
            Thread.sleep(1000); // one more scrape after the last request
            traffic = new Instant[] {start, Instant.now()};
        }
        return traffic;
    }

    private static Instant[] traffic;

    @Test
    public void canaryErrorsShowWhileTheBaselineStaysAtZero() throws Exception {
        Instant[] window = trafficOnce();
        ScopedSeries series = source().fetch(ERRORS, scopes(), window[0], window[1]);
        double seconds = Duration.between(window[0], window[1]).toMillis() / 1000.0;
        // One point per 250 ms step where the rate is defined (two scrapes in its 1s window).
        assertTrue(series.canary().size() + " points over " + seconds + " s",
                series.canary().size() >= (seconds - 2) * 4 && series.canary().size() <= seconds * 4 + 1);
        assertTrue(Arrays.toString(series.canary().values()),
                Arrays.stream(series.canary().values()).anyMatch(v -> v > 0));
        assertTrue(Arrays.toString(series.baseline().values()),
                Arrays.stream(series.baseline().values()).allMatch(v -> v == 0));
        assertTrue(series.origin(), series.origin().contains(
                "code=\"5xx\",proxy=\"" + SERVERS.environment + "\",server=~\"green1\""));
        long first = series.canary().epochMillis()[0];
        assertTrue(first >= window[0].toEpochMilli() && first <= window[0].toEpochMilli() + 2000);
    }

    @Test
    public void aQueryThatFindsNothingIsNoDataNamingTheQueryAndSelector() throws Exception {
        Instant[] window = trafficOnce();
        CanaryMetric missing = CanaryMetric.of("latency", "avg(no_such_metric{${scope}})");
        ScopedSeries series = source().fetch(missing, scopes(), window[0], window[1]);
        assertEquals(0, series.canary().size());
        Judgement j = new CanaryJudge(AnalysisTemplate.of(List.of(missing))).judge(window[0], window[1],
                Map.of("latency", series));
        String reason = j.metrics().get(0).reason();
        assertEquals(Classification.NODATA, j.metrics().get(0).classification());
        assertTrue(reason, reason.startsWith("no data: canary 0 points, baseline 0 points"));
        assertTrue(reason, reason.contains("canary `avg(no_such_metric{proxy=\"" + SERVERS.environment
                + "\",server=~\"green1\"})`"));
        assertTrue(reason, reason.contains("baseline `avg(no_such_metric{proxy=\"" + SERVERS.environment
                + "\",server=~\"baseline1\"})`"));
    }

    @Test
    public void aQueryPrometheusRefusesIsBadInputNamingIt() throws Exception {
        Instant[] window = trafficOnce();
        CanaryMetric broken = CanaryMetric.of("broken", "sum(rate(x{${scope}}[1s])");
        try {
            source().fetch(broken, scopes(), window[0], window[1]);
            throw new AssertionError("accepted a broken query");
        } catch (EngineException e) {
            assertEquals(EngineException.Kind.BAD_INPUT, e.kind());
            assertTrue(e.getMessage(), e.getMessage().contains("Prometheus refused the query of metric 'broken'"));
            assertTrue(e.getMessage(), e.getMessage().contains("sum(rate(x{proxy=\""));
        }
    }

    @Test
    public void aQueryThatCannotTellCanaryFromBaselineIsRefused() {
        try {
            source().fetch(CanaryMetric.of("all", "sum(up)"), scopes(), Instant.now().minusSeconds(5), Instant.now());
            throw new AssertionError("accepted a query without scope");
        } catch (EngineException e) {
            assertEquals(EngineException.Kind.BAD_INPUT, e.kind());
            assertTrue(e.getMessage(), e.getMessage().contains("put ${scope} where the label selector goes"));
        }
        try {
            source().fetch(CanaryMetric.of("typo", "sum(up{${scop}})"), scopes(), Instant.now().minusSeconds(5),
                    Instant.now());
            throw new AssertionError("accepted an unknown placeholder");
        } catch (EngineException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("uses ${scop}; known placeholders are ${scope}"));
        }
    }

    @Test
    public void anUnreachablePrometheusIsAnOutage() {
        int port = AnalysisServers.freePort(26000, 26999);
        try {
            new PrometheusSource(URI.create("http://127.0.0.1:" + port)).fetch(ERRORS, scopes(),
                    Instant.now().minusSeconds(5), Instant.now());
            throw new AssertionError("no outage");
        } catch (EngineException e) {
            assertEquals(EngineException.Kind.OUTAGE, e.kind());
            assertTrue(e.getMessage(), e.getMessage().startsWith("cannot reach Prometheus at http://127.0.0.1:" + port));
        }
    }

    @Test
    public void aPrometheusThatIsStillStartingIsAnOutageThatSaysSo() throws Exception {
        com.sun.net.httpserver.HttpServer starting = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 5);
        starting.createContext("/", exchange -> {
            byte[] body = "Service Unavailable".getBytes(java.nio.charset.StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(503, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        starting.start();
        try {
            String url = "http://127.0.0.1:" + starting.getAddress().getPort();
            EngineException e = org.junit.Assert.assertThrows(EngineException.class, () -> new PrometheusSource(
                    URI.create(url)).fetch(ERRORS, scopes(), Instant.now().minusSeconds(5), Instant.now()));
            assertEquals(EngineException.Kind.OUTAGE, e.kind());
            assertTrue(e.getMessage(), e.getMessage().startsWith("Prometheus at " + url + " answered HTTP 503 without"
                    + " its API's JSON: it is starting, overloaded or behind a failing proxy"));
        } finally {
            starting.stop(0);
        }
    }

    @Test
    public void theStacksPrometheusScrapesTheStacksHAProxyEverySecond() {
        PrometheusSource stack = new PrometheusSource(URI.create(Stack.prometheus()));
        Scopes prod = new Scopes(new Scope(Scope.Role.BASELINE, "prod", List.of("baseline1")),
                new Scope(Scope.Role.CANARY, "prod", List.of("green1")));
        Instant end = Instant.now().minusSeconds(2);
        ScopedSeries weights = stack.fetch(CanaryMetric.of("weight", "max(haproxy_server_weight{${scope}})"), prod,
                end.minusSeconds(10), end);
        assertTrue("the stack's Prometheus has 1 s points of the stack's HAProxy: " + weights.canary().size(),
                weights.canary().size() >= 10);
    }
}
