package io.jenkins.plugins.immutable.analysis;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import io.jenkins.plugins.immutable.deploy.CanaryDecision;
import io.jenkins.plugins.immutable.deploy.CanaryStep;
import io.jenkins.plugins.immutable.image.Digest;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.Test;

/**
 * The decisions between canary steps: what each verdict does, who is asked on a marginal one, and when it times out.
 * The points come from a source of the test's own (the real sources have their own tests against real servers, and
 * the whole loop runs end to end in CanaryAnalysisEndToEndTest).
 */
public class MetricCanaryAnalysisTest {

    private static final Digest LIVE = Digest.sha256("v1".getBytes(StandardCharsets.UTF_8));
    private static final Digest NEXT = Digest.sha256("v2".getBytes(StandardCharsets.UTF_8));
    private static final Instant T0 = Instant.parse("2026-09-01T10:00:00Z");

    /** A clock the test moves. */
    private static final class TestClock extends Clock {
        Instant now = T0;

        @Override
        public Instant instant() {
            return now;
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

    /**
     * Serves, judgement by judgement, the canary's latency and errors around the given means against a baseline
     * around 100 (the other metrics equal the baseline), and records each window asked for.
     */
    private static final class Samples implements MetricSource {
        final List<double[]> latency = new ArrayList<>();
        final List<double[]> errors = new ArrayList<>();
        final List<Instant[]> windows = new ArrayList<>();
        final Random random = new Random(1);

        Samples then(double latencyMean) {
            return then(latencyMean, 100);
        }

        Samples then(double latencyMean, double errorsMean) {
            latency.add(around(latencyMean));
            errors.add(around(errorsMean));
            return this;
        }

        private double[] around(double mean) {
            return IntStream.range(0, 60).mapToDouble(i -> mean + random.nextGaussian()).toArray();
        }

        @Override
        public ScopedSeries fetch(CanaryMetric metric, Scopes scopes, Instant start, Instant end) {
            windows.add(new Instant[] {start, end});
            double[] baseline = around(100);
            double[] canary = switch (metric.name()) {
                case "latency" -> latency.remove(0);
                case "errors" -> errors.remove(0);
                default -> baseline.clone();
            };
            return ScopedSeries.of(baseline, canary);
        }
    }

    /** Latency decides: a rise fails it; two other metrics always pass. Three passing of four metrics: 75, Marginal. */
    private static AnalysisTemplate template() {
        return AnalysisTemplate.of(List.of(CanaryMetric.of("latency", "q").failingOn(Direction.INCREASE),
                CanaryMetric.of("errors", "q"), CanaryMetric.of("saturation", "q"), CanaryMetric.of("cpu", "q")));
    }

    private static CanaryStep step(int index, int weight, Instant since, int holds) {
        return new CanaryStep("prod", "deployment-1", index, 3, weight, LIVE, NEXT, List.of(), List.of(),
                List.of("green1"), List.of("baseline1"), "prod", since, holds);
    }

    @Test
    public void passContinuesAndFailRollsBack() throws Exception {
        TestClock clock = new TestClock();
        Samples samples = new Samples().then(100).then(130);
        List<CanaryReport> reports = new ArrayList<>();
        // 3 of 4 metrics passing (75) fails below a marginal threshold of 80.
        AnalysisTemplate t = template().withThresholds(new ScoreThresholds(95, 80));
        MetricCanaryAnalysis analysis = MetricCanaryAnalysis.builder(t, samples).clock(clock)
                .onReport((s, r) -> reports.add(r)).build();
        clock.now = T0.plusSeconds(30);
        CanaryDecision first = analysis.judge(step(0, 5, T0, 0));
        assertEquals(first.reason(), CanaryDecision.Action.CONTINUE, first.action());
        assertTrue(first.reason(), first.reason().startsWith("Pass: score 100 >= 95"));
        clock.now = T0.plusSeconds(70);
        CanaryDecision second = analysis.judge(step(1, 25, T0.plusSeconds(35), 0));
        assertEquals(CanaryDecision.Action.ROLL_BACK, second.action());
        assertTrue(second.reason(), second.reason().startsWith("Fail: score 75 < 80 (1 metric failed: 'latency' High"));
        CanaryReport report = analysis.report("deployment-1").orElseThrow();
        assertEquals(2, report.judgements().size());
        assertEquals(Integer.valueOf(25), report.last().canaryWeight());
        assertEquals(Verdict.FAIL, report.verdict());
        assertEquals(2, reports.size());
        assertEquals(T0.plusSeconds(35), samples.windows.get(4)[0]);
        assertEquals(T0.plusSeconds(70), samples.windows.get(4)[1]);
    }

    @Test
    public void marginalHoldsUntilSomeoneDecides() throws Exception {
        TestClock clock = new TestClock();
        Samples samples = new Samples().then(130).then(100).then(100);
        List<MarginalQuestion> asked = new ArrayList<>();
        Decision[] answer = new Decision[1];
        MarginalHook hook = new MarginalHook() {
            @Override
            public void ask(MarginalQuestion question) {
                asked.add(question);
            }

            @Override
            public java.util.Optional<Decision> answer(MarginalQuestion question) {
                return java.util.Optional.ofNullable(answer[0]);
            }
        };
        // Marginal from 75 up: a latency rise alone leaves 3 of 4 metrics passing.
        AnalysisTemplate t = template().withThresholds(new ScoreThresholds(95, 70));
        MetricCanaryAnalysis analysis = MetricCanaryAnalysis.builder(t, samples).clock(clock).marginal(hook)
                .marginalTimeout(Duration.ofMinutes(5)).build();
        clock.now = T0.plusSeconds(30);
        CanaryDecision held = analysis.judge(step(0, 5, T0, 0));
        assertEquals(held.reason(), CanaryDecision.Action.HOLD, held.action());
        assertTrue(held.reason(), held.reason().contains("waiting for a decision until 2026-09-01T10:05:30Z"));
        assertEquals(1, asked.size());
        assertTrue(asked.get(0).prompt(), asked.get(0).prompt().startsWith("Canary analysis of prod at 5% is Marginal (score 75"));

        clock.now = T0.plusSeconds(60);
        CanaryDecision stillHeld = analysis.judge(step(0, 5, T0.plusSeconds(30), 1));
        assertEquals("a later Pass does not answer the question", CanaryDecision.Action.HOLD, stillHeld.action());
        assertEquals("asked once per step", 1, asked.size());

        answer[0] = new Decision(true, "alice", "known slow start", clock.now);
        clock.now = T0.plusSeconds(90);
        CanaryDecision decided = analysis.judge(step(0, 5, T0.plusSeconds(60), 2));
        assertEquals(CanaryDecision.Action.CONTINUE, decided.action());
        assertTrue(decided.reason(), decided.reason().contains("decided by alice: known slow start"));
        CanaryReport report = analysis.report("deployment-1").orElseThrow();
        assertEquals("alice", report.last().decision().by());
        assertNull(report.judgements().get(0).decision());
    }

    @Test
    public void marginalWithoutADecisionRollsBackAtTheDeadline() throws Exception {
        TestClock clock = new TestClock();
        Samples samples = new Samples().then(130).then(130);
        AnalysisTemplate t = template().withThresholds(new ScoreThresholds(95, 70));
        MetricCanaryAnalysis analysis = MetricCanaryAnalysis.builder(t, samples).clock(clock)
                .marginalTimeout(Duration.ofSeconds(60)).build();
        clock.now = T0.plusSeconds(30);
        assertEquals(CanaryDecision.Action.HOLD, analysis.judge(step(0, 5, T0, 0)).action());
        clock.now = T0.plusSeconds(90);
        CanaryDecision timedOut = analysis.judge(step(0, 5, T0.plusSeconds(30), 1));
        assertEquals(CanaryDecision.Action.ROLL_BACK, timedOut.action());
        assertTrue(timedOut.reason(), timedOut.reason().contains("decided by timeout: no decision on the marginal"
                + " verdict within PT1M"));
        assertEquals("timeout", analysis.report("deployment-1").orElseThrow().last().decision().by());
    }

    @Test
    public void aFailWhileHeldRollsBackWithoutWaiting() throws Exception {
        TestClock clock = new TestClock();
        // First latency alone rises (75, Marginal), then errors too (50, Fail).
        Samples samples = new Samples().then(130).then(130, 130);
        AnalysisTemplate t = template().withThresholds(new ScoreThresholds(95, 70));
        MetricCanaryAnalysis analysis = MetricCanaryAnalysis.builder(t, samples).clock(clock)
                .marginal(MarginalHook.NOBODY).build();
        clock.now = T0.plusSeconds(30);
        assertEquals(CanaryDecision.Action.HOLD, analysis.judge(step(0, 5, T0, 0)).action());
        clock.now = T0.plusSeconds(60);
        CanaryDecision failed = analysis.judge(step(0, 5, T0.plusSeconds(30), 1));
        assertEquals(CanaryDecision.Action.ROLL_BACK, failed.action());
        assertTrue(failed.reason(), failed.reason().startsWith("Fail: score 50 < 70 (2 metrics failed"));
        assertEquals(Verdict.FAIL, analysis.report("deployment-1").orElseThrow().verdict());
    }

    @Test
    public void anIntervalJudgesOnlyTheEndOfTheStep() throws Exception {
        TestClock clock = new TestClock();
        Samples samples = new Samples().then(100);
        MetricCanaryAnalysis analysis = MetricCanaryAnalysis.builder(template(), samples).clock(clock)
                .interval(Duration.ofSeconds(20)).build();
        clock.now = T0.plusSeconds(60);
        analysis.judge(step(0, 5, T0, 0));
        assertEquals(T0.plusSeconds(40), samples.windows.get(0)[0]);
        assertEquals(T0.plusSeconds(60), samples.windows.get(0)[1]);
    }

    @Test
    public void aCanaryWithoutBaselineCannotBeAnalysed() {
        MetricCanaryAnalysis analysis = MetricCanaryAnalysis.builder(template(), new Samples()).build();
        CanaryStep alone = new CanaryStep("prod", "d", 0, 1, 10, LIVE, NEXT, List.of(), List.of(), List.of("green1"),
                List.of(), "prod", T0, 0);
        try {
            analysis.judge(alone);
            throw new AssertionError("judged without a baseline");
        } catch (io.jenkins.plugins.immutable.EngineException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("run the canary strategy with its baseline"));
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }
}
