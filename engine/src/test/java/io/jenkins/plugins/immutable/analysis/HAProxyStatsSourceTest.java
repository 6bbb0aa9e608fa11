package io.jenkins.plugins.immutable.analysis;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.testing.LoadLoop;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.ClassRule;
import org.junit.Test;

/** HAProxy's own statistics, sampled from a real HAProxy's runtime API while it serves real requests. */
public class HAProxyStatsSourceTest {

    @ClassRule
    public static final AnalysisServers SERVERS = new AnalysisServers(false);

    private static final CanaryMetric ERRORS = CanaryMetric.of("errors", "hrsp_5xx").failingOn(Direction.INCREASE);
    private static final CanaryMetric ERROR_SHARE = CanaryMetric.of("error-share",
            "hrsp_5xx / hrsp_1xx+hrsp_2xx+hrsp_3xx+hrsp_4xx+hrsp_5xx");
    private static final CanaryMetric CONNECTIONS = CanaryMetric.of("connections", "scur");

    private static Scopes scopes() {
        return new Scopes(new Scope(Scope.Role.BASELINE, SERVERS.environment, List.of("baseline1")),
                new Scope(Scope.Role.CANARY, SERVERS.environment, List.of("green1")));
    }

    @Test
    public void countersBecomeRatesAndRatiosPerSamplingPeriod() throws Exception {
        SERVERS.route("blue1", SERVERS.instance("live", 0), 60);
        SERVERS.route("green1", SERVERS.instance("canary", 5), 20);
        SERVERS.route("baseline1", SERVERS.instance("baseline", 0), 20);
        try (HAProxyStatsSource source = HAProxyStatsSource.start(SERVERS.runtime(), Duration.ofMillis(250),
                List.of(ERRORS, ERROR_SHARE, CONNECTIONS))) {
            Instant start = Instant.now();
            try (LoadLoop load = LoadLoop.start(SERVERS.frontend(), "/app", 3)) {
                Thread.sleep(4000);
            }
            Instant end = Instant.now();
            ScopedSeries errors = source.fetch(ERRORS, scopes(), start, end);
            assertTrue(errors.canary().size() + " points", errors.canary().size() >= 12 && errors.canary().size() <= 17);
            assertTrue(Arrays.toString(errors.canary().values()),
                    Arrays.stream(errors.canary().values()).anyMatch(v -> v > 0));
            assertTrue(Arrays.stream(errors.baseline().values()).allMatch(v -> v == 0));

            ScopedSeries share = source.fetch(ERROR_SHARE, scopes(), start, end);
            double failed = Arrays.stream(share.canary().values()).filter(v -> !Double.isNaN(v)).average().orElseThrow();
            assertTrue("the canary fails one request in five: " + failed, failed > 0.1 && failed < 0.3);
            assertTrue(Arrays.stream(share.baseline().values()).filter(v -> !Double.isNaN(v)).allMatch(v -> v == 0));

            ScopedSeries connections = source.fetch(CONNECTIONS, scopes(), start, end);
            assertTrue(Arrays.stream(connections.canary().values()).allMatch(v -> v >= 0 && v == Math.rint(v)));

            ScopedSeries before = source.fetch(ERRORS, scopes(), start.minusSeconds(60), start.minusSeconds(30));
            assertEquals(0, before.canary().size());
            assertTrue(before.origin(), before.origin().contains("sampled every 250 ms"));
        }
    }

    @Test
    public void unknownFieldsAndMalformedQueriesAreRefused() {
        try {
            HAProxyStatsSource.start(SERVERS.runtime(), Duration.ofSeconds(1), List.of(CanaryMetric.of("x", "hrsp_6xx")));
            throw new AssertionError("accepted an unknown field");
        } catch (EngineException e) {
            assertEquals(EngineException.Kind.BAD_INPUT, e.kind());
            assertTrue(e.getMessage(), e.getMessage().contains("has no server statistic 'hrsp_6xx'"));
        }
        try {
            HAProxyStatsSource.start(SERVERS.runtime(), Duration.ofSeconds(1),
                    List.of(CanaryMetric.of("x", "rate(hrsp_5xx[1m])")));
            throw new AssertionError("accepted PromQL");
        } catch (EngineException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("is not HAProxy statistics fields"));
        }
        try (HAProxyStatsSource source = HAProxyStatsSource.start(SERVERS.runtime(), Duration.ofSeconds(1),
                List.of(CanaryMetric.of("mixed", "hrsp_5xx/scur")))) {
            source.fetch(CanaryMetric.of("mixed", "hrsp_5xx/scur"), scopes(), Instant.now().minusSeconds(2),
                    Instant.now());
            throw new AssertionError("accepted a counter over a gauge");
        } catch (EngineException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("mixes counters and gauges"));
        }
    }
}
