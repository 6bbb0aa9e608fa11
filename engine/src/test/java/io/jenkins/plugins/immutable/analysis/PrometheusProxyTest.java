package io.jenkins.plugins.immutable.analysis;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.registry.HttpProxy;
import io.jenkins.plugins.immutable.testing.ProxyLog;
import io.jenkins.plugins.immutable.testing.Stack;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.Test;

/** The Prometheus source through the stack's HTTP proxy, proved by the proxy's log. */
public class PrometheusProxyTest {

    private static final CanaryMetric WEIGHT = CanaryMetric.of("weight", "max(haproxy_server_weight{${scope}})");
    private static final Scopes PROD = new Scopes(new Scope(Scope.Role.BASELINE, "prod", List.of("baseline1")),
            new Scope(Scope.Role.CANARY, "prod", List.of("green1")));

    /** The query goes as GET through a proxy (see PrometheusSource), its parameters in the URL. */
    private static String queryRange() {
        return "GET " + Stack.prometheus() + "/api/v1/query_range?query=";
    }

    private static ScopedSeries fetch(PrometheusSource source) {
        Instant end = Instant.now().minusSeconds(2);
        return source.fetch(WEIGHT, PROD, end.minusSeconds(10), end);
    }

    @Test
    public void queriesGoThroughTheProxyWithItsLogin() {
        ProxyLog log = ProxyLog.mark();
        PrometheusSource source = new PrometheusSource(URI.create(Stack.prometheus())).withProxy(Stack.proxy());
        ScopedSeries weights = fetch(source);
        assertTrue("points came back through the proxy: " + weights.canary().size(), weights.canary().size() >= 10);
        List<String> queries = log.requestsMentioning("/api/v1/query_range");
        assertEquals("one query per scope, both through the proxy: " + log.requests(), 2, queries.size());
        assertTrue(queries.toString(), queries.stream().allMatch(q -> q.startsWith(queryRange())));
        assertTrue(source.toString(), source.toString().endsWith(", through proxy " + Stack.require("IMMUTABLE_PROXY")
                + ")"));
    }

    @Test
    public void noProxyForPrometheusHostQueriesItDirectly() {
        ProxyLog log = ProxyLog.mark();
        String host = URI.create(Stack.prometheus()).getHost();
        ScopedSeries weights = fetch(new PrometheusSource(URI.create(Stack.prometheus()))
                .withProxy(Stack.proxy().withNoProxy(host)));
        assertTrue(weights.canary().size() >= 10);
        assertEquals(List.of(), log.requestsMentioning("/api/v1/query_range"));
    }

    @Test
    public void aWrongProxyPasswordIsTheProxysRefusalWithoutThePassword() {
        String wrong = "wrong-" + UUID.randomUUID();
        ProxyLog log = ProxyLog.mark();
        PrometheusSource source = new PrometheusSource(URI.create(Stack.prometheus()))
                .withProxy(Stack.proxy().withCredentials(Stack.require("IMMUTABLE_PROXY_USER"), wrong));
        try {
            fetch(source);
            fail("the proxy took a wrong password");
        } catch (EngineException e) {
            assertEquals(EngineException.Kind.BAD_INPUT, e.kind());
            assertTrue(e.getMessage(), e.getMessage().startsWith("the proxy " + Stack.require("IMMUTABLE_PROXY")
                    + " refused the credentials of user '" + Stack.require("IMMUTABLE_PROXY_USER") + "'"));
            assertTrue(e.getMessage(), e.getMessage().contains("to query Prometheus for metric 'weight'"));
            assertFalse(e.getMessage(), e.getMessage().contains(wrong));
        }
        List<String> queries = log.requestsMentioning("/api/v1/query_range");
        assertEquals("turned away once, not retried: " + queries, 1, queries.size());
        assertTrue(queries.toString(), queries.get(0).startsWith(queryRange()));
    }

    @Test
    public void aProxyThatIsNotThereIsNamed() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        try {
            fetch(new PrometheusSource(URI.create(Stack.prometheus())).withProxy(HttpProxy.of("127.0.0.1", port)));
            fail("a proxy that is not there answered");
        } catch (EngineException e) {
            assertEquals(EngineException.Kind.OUTAGE, e.kind());
            assertTrue(e.getMessage(), e.getMessage().startsWith("cannot reach Prometheus at " + Stack.prometheus()
                    + " through the proxy 127.0.0.1:" + port + " ("));
        }
    }
}
