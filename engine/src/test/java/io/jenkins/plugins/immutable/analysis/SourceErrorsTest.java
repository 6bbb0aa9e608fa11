package io.jenkins.plugins.immutable.analysis;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.deploy.CanaryDecision;
import io.jenkins.plugins.immutable.deploy.CanaryStep;
import io.jenkins.plugins.immutable.image.Digest;
import io.jenkins.plugins.immutable.testing.Stack;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.Test;

/**
 * A metric source that errors is not a canary that failed: the analysis retries with a backoff, and only past the
 * consecutive error limit is the judgement Inconclusive, which the environment's policy holds for a decision or rolls
 * back. Against real servers: the stack's Prometheus refusing a query it cannot parse, and a Prometheus address where
 * nothing listens (Prometheus down). Stopping and starting a Prometheus in the middle of a deployment's analysis is in
 * CanaryAnalysisEndToEndTest.
 */
public class SourceErrorsTest {

    private static final Digest LIVE = Digest.sha256("v1".getBytes(StandardCharsets.UTF_8));
    private static final Digest NEXT = Digest.sha256("v2".getBytes(StandardCharsets.UTF_8));

    /** A PromQL syntax error (the bracket is never closed): Prometheus answers 400 bad_data every time. */
    private static final CanaryMetric UNPARSABLE = CanaryMetric.of("errors",
            "sum(irate(haproxy_server_http_responses_total{code=\"5xx\",${scope}}[1s])").failingOn(Direction.INCREASE);
    private static final CanaryMetric ERRORS = CanaryMetric.of("errors",
            "sum(irate(haproxy_server_http_responses_total{code=\"5xx\",${scope}}[1s]))").failingOn(Direction.INCREASE);

    /** A clock the test moves, to pass a decision's deadline without waiting for it. */
    private static final class MovableClock extends Clock {
        Duration ahead = Duration.ZERO;

        @Override
        public Instant instant() {
            return Instant.now().plus(ahead);
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

    private static CanaryStep step(Instant since, int holds) {
        return new CanaryStep("prod", "deployment-1", 0, 2, 5, LIVE, NEXT, List.of(), List.of(), List.of("green1"),
                List.of("baseline1"), "prod", since, holds);
    }

    /** Prometheus' address with nothing listening: every query is refused a connection, as when it is down. */
    private static PrometheusSource down() {
        return new PrometheusSource(URI.create("http://127.0.0.1:" + AnalysisServers.freePort(26000, 26999)))
                .withStep(Duration.ofMillis(250));
    }

    @Test
    public void aQueryPrometheusRefusesEveryTimeIsInconclusiveNotAFailAndRollsBackUnderThatPolicy() throws Exception {
        List<CanaryReport> reports = new ArrayList<>();
        MetricCanaryAnalysis analysis = MetricCanaryAnalysis.builder(AnalysisTemplate.of(List.of(UNPARSABLE)),
                        new PrometheusSource(URI.create(Stack.prometheus())))
                .consecutiveErrorLimit(1).errorBackoff(Duration.ofMillis(10)).onReport((s, r) -> reports.add(r))
                .build();
        // The analysis holds by default; the environment's policy (as the configuration's wiring passes it) wins.
        CanaryDecision d = analysis.judge(step(Instant.now().minusSeconds(30), 0), InconclusivePolicy.ROLL_BACK);
        assertEquals(d.reason(), CanaryDecision.Action.ROLL_BACK, d.action());
        assertTrue(d.reason(), d.reason().startsWith("Inconclusive: no score (the metric source errored 2 times in a"
                + " row, more than the consecutive error limit 1, from "));
        assertTrue(d.reason(), d.reason().contains("Prometheus refused the query of metric 'errors'"));
        assertTrue(d.reason(), d.reason().endsWith("the environment's policy on an inconclusive analysis is to roll"
                + " back"));

        CanaryReport report = analysis.report("deployment-1").orElseThrow();
        assertEquals(Verdict.INCONCLUSIVE, report.verdict());
        assertTrue(report.summary(), report.summary().startsWith("Inconclusive: not judged; the metric source errored"));
        Judgement j = report.last();
        assertEquals(Verdict.INCONCLUSIVE, j.verdict());
        assertTrue(Double.isNaN(j.score()));
        assertEquals(Integer.valueOf(5), j.canaryWeight());
        assertEquals(2, j.errors().size());
        for (SourceError e : j.errors()) {
            assertEquals("errors", e.metric());
            assertEquals(EngineException.Kind.BAD_INPUT, e.kind());
            assertTrue(e.message(), e.message().contains("bad_data"));
        }
        assertEquals(List.of(report), reports);
        assertEquals("the errors survive the report's JSON", report, CanaryReport.fromJson(report.toJson()));
    }

    @Test
    public void prometheusDownHoldsForADecisionAndRollsBackWhenNobodyDecidesByTheDeadline() throws Exception {
        MovableClock clock = new MovableClock();
        List<MarginalQuestion> asked = new ArrayList<>();
        MarginalHook nobodyAnswers = new MarginalHook() {
            @Override
            public void ask(MarginalQuestion question) {
                asked.add(question);
            }

            @Override
            public Optional<Decision> answer(MarginalQuestion question) {
                return Optional.empty();
            }
        };
        MetricCanaryAnalysis analysis = MetricCanaryAnalysis.builder(AnalysisTemplate.of(List.of(ERRORS)), down())
                .consecutiveErrorLimit(0).errorBackoff(Duration.ZERO).marginal(nobodyAnswers)
                .marginalTimeout(Duration.ofMinutes(5)).clock(clock).build();
        CanaryDecision held = analysis.judge(step(clock.instant().minusSeconds(30), 0));
        assertEquals(held.reason(), CanaryDecision.Action.HOLD, held.action());
        assertTrue(held.reason(), held.reason().contains("cannot reach Prometheus at http://127.0.0.1:"));
        assertEquals(1, asked.size());
        assertTrue(asked.get(0).prompt(), asked.get(0).prompt().startsWith("Canary analysis of prod at 5% is"
                + " Inconclusive (the metric source errored once, more than the consecutive error limit 0"));
        assertEquals(EngineException.Kind.OUTAGE, asked.get(0).report().last().errors().get(0).kind());

        clock.ahead = Duration.ofMinutes(6);
        CanaryDecision timedOut = analysis.judge(step(clock.instant().minusSeconds(30), 1));
        assertEquals(timedOut.reason(), CanaryDecision.Action.ROLL_BACK, timedOut.action());
        assertEquals("Inconclusive, decided by timeout: no decision on the inconclusive verdict within PT5M",
                timedOut.reason());
        assertEquals("asked once for the step", 1, asked.size());
        CanaryReport report = analysis.report("deployment-1").orElseThrow();
        assertEquals(2, report.judgements().size());
        assertNull(report.judgements().get(0).decision());
        assertEquals("timeout", report.last().decision().by());
        assertFalse(report.last().decision().proceed());
    }

    @Test
    public void underTheHoldPolicyAPersonMayLetTheCanaryGoOn() throws Exception {
        MetricCanaryAnalysis analysis = MetricCanaryAnalysis.builder(AnalysisTemplate.of(List.of(ERRORS)), down())
                .consecutiveErrorLimit(0).errorBackoff(Duration.ZERO)
                .marginal(MarginalHook.deciding(q -> Decision.proceed("oncall", "Prometheus is being upgraded")))
                .build();
        CanaryDecision d = analysis.judge(step(Instant.now().minusSeconds(30), 0), InconclusivePolicy.HOLD);
        assertEquals(d.reason(), CanaryDecision.Action.CONTINUE, d.action());
        assertEquals("Inconclusive, decided by oncall: Prometheus is being upgraded", d.reason());
        CanaryReport report = analysis.report("deployment-1").orElseThrow();
        assertEquals(Verdict.INCONCLUSIVE, report.verdict());
        assertEquals("oncall", report.last().decision().by());
    }

    @Test
    public void errorsAreRetriedUpToTheLimitWithADoublingBackoff() throws Exception {
        MetricCanaryAnalysis analysis = MetricCanaryAnalysis.builder(AnalysisTemplate.of(List.of(ERRORS)), down())
                .consecutiveErrorLimit(3).errorBackoff(Duration.ofMillis(100)).build();
        analysis.judge(step(Instant.now().minusSeconds(30), 0), InconclusivePolicy.ROLL_BACK);
        List<SourceError> errors = analysis.report("deployment-1").orElseThrow().last().errors();
        assertEquals("the first attempt and 3 retries", 4, errors.size());
        for (int i = 1; i < errors.size(); i++) {
            Duration waited = Duration.between(errors.get(i - 1).at(), errors.get(i).at());
            Duration backoff = Duration.ofMillis(100L << (i - 1));
            assertTrue("attempt " + (i + 1) + " came " + waited + " after the one before, not after a backoff of "
                    + backoff, waited.compareTo(backoff) >= 0);
        }
    }
}
