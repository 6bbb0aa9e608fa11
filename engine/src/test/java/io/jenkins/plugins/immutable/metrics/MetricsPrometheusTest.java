package io.jenkins.plugins.immutable.metrics;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.jenkins.plugins.immutable.deploy.Phase;
import io.jenkins.plugins.immutable.image.Digest;
import io.jenkins.plugins.immutable.ledger.Event;
import io.jenkins.plugins.immutable.ledger.LedgerLocation;
import io.jenkins.plugins.immutable.ledger.Outcome;
import io.jenkins.plugins.immutable.testing.Stack;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.Test;

/**
 * The exposition served by {@link MetricsServer}, scraped by the stack's real Prometheus (an extra target in its
 * file_sd folder), and queried back: Prometheus holds the same numbers as the model.
 */
public class MetricsPrometheusTest {

    private static final HttpClient HTTP = HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    public void prometheusScrapesTheExpositionAndAQueryReturnsTheModelsNumbers() throws Exception {
        Instant t0 = Instant.parse("2026-11-02T00:00:00Z");
        MeteredLedgers site = new MeteredLedgers(t0);
        LedgerLocation dev = site.env("dev");
        LedgerLocation prod = site.env("prod");
        Digest a = site.image(11);
        Digest b = site.image(12);
        site.provenance(a, t0);
        site.record(dev, t0.plusSeconds(600), Event.promotion(a, Outcome.DEPLOYED, "alice").withStrategy("rolling"));
        site.record(dev, t0.plusSeconds(1200), Event.promotion(b, Outcome.DEPLOYED, "alice").withStrategy("rolling"));
        site.record(prod, t0.plusSeconds(1800), Event.promotion(a, Outcome.DEPLOYED, "alice").withStrategy("canary"));
        site.journal(prod, "dep-b", "canary", a, b, Phase.ROLLING_BACK, "pid 1", t0.plusSeconds(2400),
                t0.plusSeconds(2700), t0.plusSeconds(2400), "canary analysis at 10%: latency High");
        site.journal(prod, "dep-b", "canary", a, b, Phase.ROLLED_BACK, "pid 1", t0.plusSeconds(2400),
                t0.plusSeconds(2745), t0.plusSeconds(2745), "rolled back: canary analysis at 10%: latency High");
        site.record(prod, t0.plusSeconds(2750), Event.promotion(b, Outcome.FAILED, "alice").withStrategy("canary")
                .withDeployment("dep-b").withReason("rolled back: canary analysis at 10%: latency High"));

        DeliveryMeter meter = new DeliveryMeter(site.ledger, site.client, List.of(site.key.publicKey()), site.clock);
        Window day = new Window(t0, t0.plus(Duration.ofDays(1)));
        DeliveryMetrics model = meter.measure(List.of(dev, prod), day, Granularity.DAY);
        String run = "metrics-test-" + Long.toString(System.nanoTime(), 36);
        Path target = Stack.prometheusTargets().resolve(run + ".json");
        try (MetricsServer server = MetricsServer.start(new InetSocketAddress("127.0.0.1", 0),
                () -> meter.measure(List.of(dev, prod), day, Granularity.DAY))) {
            // written whole, then moved into place: Prometheus must never read half a file
            Path tmp = Files.createTempFile(Stack.prometheusTargets(), run, ".tmp");
            Files.writeString(tmp, "[{\"targets\": [\"127.0.0.1:" + server.address().getPort() + "\"], \"labels\":"
                    + " {\"run\": \"" + run + "\"}}]");
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);

            Map<String, Double> prodRatio = waitFor("immutable_delivery_deployment_success_ratio{run=\"" + run + "\"}");
            assertEquals(model.environment("prod").orElseThrow().figures().deploymentSuccessRate(),
                    prodRatio.get("prod"));
            assertEquals(model.environment("dev").orElseThrow().figures().deploymentSuccessRate(),
                    prodRatio.get("dev"));
            assertEquals(model.overall().deploymentSuccessRate(), prodRatio.get(""));
            assertEquals(0.5, prodRatio.get("prod"), 0);

            Map<String, Double> failed = query("immutable_delivery_promotions{run=\"" + run + "\",outcome=\"failed\"}");
            assertEquals(Map.of("dev", 0.0, "prod", 1.0, "", 1.0), failed);
            Map<String, Double> rollback = query("immutable_delivery_time_to_rollback_seconds{run=\"" + run
                    + "\",stat=\"mean\"}");
            assertEquals(model.environment("prod").orElseThrow().figures().timeToRollback().meanSeconds(),
                    rollback.get("prod"));
            assertEquals(45.0, rollback.get("prod"), 0);
            Map<String, Double> coverage = query("immutable_delivery_provenance_coverage_ratio{run=\"" + run + "\"}");
            assertEquals(model.provenanceCoverage(), coverage.get(""));
            Map<String, Double> since = query("immutable_delivery_live_since_timestamp_seconds{run=\"" + run + "\"}");
            assertEquals(model.environment("prod").orElseThrow().live().since().getEpochSecond(),
                    since.get("prod"), 0);
        } finally {
            Files.deleteIfExists(target);
        }
    }

    /** Queries until the scrape has landed (Prometheus picks new file_sd targets up within seconds). */
    private static Map<String, Double> waitFor(String query) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            Map<String, Double> result = query(query);
            if (!result.isEmpty()) {
                return result;
            }
            assertTrue("Prometheus at " + Stack.prometheus() + " did not scrape the metrics within 60 s: is "
                    + Stack.prometheusTargets() + " in its file_sd configuration (scripts/prometheus)?",
                    System.nanoTime() < deadline);
            Thread.sleep(500);
        }
    }

    /** The query's instant vector, by the environment label ("" for the overall sample). */
    private static Map<String, Double> query(String query) throws Exception {
        URI uri = URI.create(Stack.prometheus() + "/api/v1/query?query="
                + URLEncoder.encode(query, StandardCharsets.UTF_8));
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(response.body(), 200, response.statusCode());
        JsonNode body = MeteredLedgers.JSON.readTree(response.body());
        Map<String, Double> result = new TreeMap<>();
        for (JsonNode sample : body.at("/data/result")) {
            result.put(sample.path("metric").path("environment").asText(""),
                    Double.parseDouble(sample.path("value").get(1).asText()));
        }
        return result;
    }
}
