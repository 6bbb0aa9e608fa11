package io.jenkins.plugins.immutable.deploy;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import io.jenkins.plugins.immutable.deploy.haproxy.HAProxyRouter;
import io.jenkins.plugins.immutable.deploy.haproxy.HAProxyRuntime;
import io.jenkins.plugins.immutable.testing.Stack;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.Test;

/** The stack's HAProxy is what the demo and the canary analysis use: its backends, slots and exporter. */
public class StackHAProxyTest {

    @Test
    public void demoEnvironmentsHaveServerSlotsPerTrackAndTheExporterServesThem() throws Exception {
        HAProxyRouter router = new HAProxyRouter(new HAProxyRuntime(Stack.haproxySocket()));
        for (String environment : List.of("dev", "staging", "prod", "test1")) {
            List<String> names = router.current(environment).servers().stream().map(Routing.Server::name).toList();
            assertTrue(environment + ": " + names, names.containsAll(List.of("blue1", "blue8", "green1", "green8",
                    "baseline1", "baseline4")));
        }
        HttpResponse<String> metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://" + Stack.haproxyStats() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, metrics.statusCode());
        assertTrue(metrics.body().contains("haproxy_server_http_responses_total{proxy=\"prod\",server=\"green1\""));
        // test3, not prod: `immutable demo` leaves its last good version serving in prod
        HttpResponse<String> empty = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://" + Stack.haproxyFrontend("test3") + "/")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals("an environment with nothing deployed answers 503", 503, empty.statusCode());
    }
}
