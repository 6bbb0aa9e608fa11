package io.jenkins.plugins.immutable.analysis;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import io.jenkins.plugins.immutable.EngineException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.Test;

public class CanaryJudgeTest {

    private static final Instant T0 = Instant.parse("2026-09-01T10:00:00Z");
    private static final Instant T1 = T0.plusSeconds(60);

    private static double[] normal(long seed, int n, double mean, double sd) {
        Random random = new Random(seed);
        return IntStream.range(0, n).mapToDouble(i -> mean + sd * random.nextGaussian()).toArray();
    }

    private static double[] range(int from, int toExclusive) {
        return IntStream.range(from, toExclusive).asDoubleStream().toArray();
    }

    private static double[] plus(double[] values, double shift) {
        return Arrays.stream(values).map(v -> v + shift).toArray();
    }

    private static CanaryJudge judge(CanaryMetric... metrics) {
        return new CanaryJudge(AnalysisTemplate.of(List.of(metrics)));
    }

    // ---- one metric

    @Test
    public void tooFewPointsIsNoDataSayingHowManyWereSeen() {
        CanaryMetric latency = CanaryMetric.of("latency", "q");
        double[] canary = normal(1, 23, 10, 1);
        double[] baseline = normal(2, 61, 10, 1);
        canary[3] = Double.NaN;
        MetricResult r = judge(latency).classify(latency, canary, baseline);
        assertEquals(Classification.NODATA, r.classification());
        assertTrue(r.reason(), r.reason().contains("canary 22 points (1 missing), baseline 61 points"));
        assertTrue(r.reason(), r.reason().contains("at least 50 per scope"));
        assertNull(r.test());
    }

    @Test
    public void minimumPointsIsConfigurable() {
        CanaryMetric latency = CanaryMetric.of("latency", "q");
        CanaryJudge judge = new CanaryJudge(AnalysisTemplate.of(List.of(latency)).withMinimumPoints(20));
        MetricResult r = judge.classify(latency, normal(1, 23, 10, 1), normal(2, 21, 10, 1));
        assertEquals(Classification.PASS, r.classification());
        assertNotNull(r.test());
    }

    @Test
    public void missingValuesAreRemovedNeverReplacedByZero() {
        CanaryMetric latency = CanaryMetric.of("latency", "q");
        double[] baseline = normal(3, 60, 10, 1);
        // A ratio over windows without traffic is NaN: two windows in three here.
        double[] canary = Arrays.copyOf(normal(4, 60, 10, 1), 180);
        Arrays.fill(canary, 60, 180, Double.NaN);
        MetricResult r = judge(latency).classify(latency, canary, baseline);
        assertEquals(r.reason(), Classification.PASS, r.classification());
        assertEquals(60, r.canary().points());
        assertEquals(120, r.canary().missing());
        // Kayenta's "replace" strategy would have judged these zeros: a canary far lower than its baseline.
        double[] zeroed = Arrays.stream(canary).map(v -> Double.isNaN(v) ? 0 : v).toArray();
        assertEquals(Classification.LOW, judge(latency).classify(latency, zeroed, baseline).classification());
    }

    @Test
    public void eventsAgainstAnAllZeroBaselineFailOnTheirCount() {
        CanaryMetric errors = CanaryMetric.of("errors", "q").failingOn(Direction.INCREASE);
        double[] baseline = new double[60];
        double[] canary = new double[60];
        canary[17] = 1;
        canary[42] = 2;
        // The U test alone sees no significant shift in two events among sixty points...
        MannWhitneyResult u = MannWhitney.test(canary, baseline, 0.98);
        assertTrue("p = " + u.pValue(), u.pValue() > 0.1);
        // ...but the baseline never had one.
        MetricResult r = judge(errors).classify(errors, canary, baseline);
        assertEquals(Classification.HIGH, r.classification());
        assertEquals(2, r.canary().nonZero());
        assertTrue(r.reason(), r.reason().contains("baseline is 0 at all 60 points, canary is not at 2 of 60"));
    }

    @Test
    public void eventsAgainstAnAllZeroBaselinePassWhenOnlyADecreaseCounts() {
        CanaryMetric throughput = CanaryMetric.of("throughput", "q").failingOn(Direction.DECREASE);
        double[] canary = new double[60];
        canary[5] = 3;
        MetricResult r = judge(throughput).classify(throughput, canary, new double[60]);
        assertEquals(Classification.PASS, r.classification());
    }

    @Test
    public void outlierRemovalKeepsRareEventsWhenTheInterquartileRangeIsZero() {
        CanaryMetric errors = CanaryMetric.of("errors", "q").removingOutliers(3);
        double[] baseline = new double[60];
        baseline[10] = 1;
        double[] canary = new double[60];
        for (int i = 0; i < 60; i += 6) {
            canary[i] = 1;
        }
        MetricResult r = judge(errors).classify(errors, canary, baseline);
        assertEquals(0, r.canary().outliersRemoved());
        assertEquals(10, r.canary().nonZero());
    }

    @Test
    public void outliersBeyondThreeInterquartileRangesAreRemovedPerScope() {
        double[] sorted = range(1, 21);
        double[] withSpike = Arrays.copyOf(sorted, 21);
        withSpike[20] = 1000;
        // Quartiles (type 7) of 1..20 plus 1000: 6 and 16; fences 6 - 30 and 16 + 30.
        assertEquals(20, CanaryJudge.withoutOutliers(withSpike, 3).length);
        withSpike[20] = 46;
        assertEquals("a point on the fence stays", 21, CanaryJudge.withoutOutliers(withSpike, 3).length);

        CanaryMetric latency = CanaryMetric.of("latency", "q").removingOutliers(3);
        double[] canary = normal(5, 60, 10, 1);
        canary[0] = 500;
        canary[1] = 900;
        MetricResult r = judge(latency).classify(latency, canary, normal(6, 60, 10, 1));
        assertEquals(2, r.canary().outliersRemoved());
        assertEquals(58, r.canary().points());
        assertEquals(0, r.baseline().outliersRemoved());
    }

    @Test
    public void identicalSamplesPass() {
        CanaryMetric m = CanaryMetric.of("m", "q");
        double[] same = normal(7, 60, 3, 1);
        MetricResult r = judge(m).classify(m, same.clone(), same.clone());
        assertEquals(Classification.PASS, r.classification());
        assertTrue(r.reason().contains("identical"));
    }

    @Test
    public void aClearRiseIsHighAndAClearFallIsLow() {
        CanaryMetric m = CanaryMetric.of("latency", "q");
        double[] baseline = normal(8, 80, 100, 5);
        MetricResult high = judge(m).classify(m, normal(9, 80, 120, 5), baseline);
        assertEquals(high.reason(), Classification.HIGH, high.classification());
        assertTrue(high.test().lower() > 0);
        assertTrue(high.test().pValue() < 1e-10);
        assertTrue(high.reason(), high.reason().startsWith("canary higher: shift +"));
        MetricResult low = judge(m).classify(m, normal(10, 80, 80, 5), baseline);
        assertEquals(Classification.LOW, low.classification());
        assertEquals(Classification.PASS,
                judge(m.failingOn(Direction.INCREASE)).classify(m.failingOn(Direction.INCREASE), normal(10, 80, 80, 5),
                        baseline).classification());
    }

    @Test
    public void meanRatioExactlyAtTheAllowedIncreaseIsHigh() {
        // Canary 1.5 k against baseline k, k = 1..60: mean ratio exactly 1.5; 98% interval 4 to 26.5 on an
        // estimate of 15.25, clear of the +-0.25 x 15.25 band.
        double[] baseline = range(1, 61);
        double[] canary = Arrays.stream(baseline).map(v -> 1.5 * v).toArray();
        CanaryMetric atEdge = CanaryMetric.of("m", "q").withEffectSize(EffectSize.meanRatio(1.5, 1));
        MetricResult r = judge(atEdge).classify(atEdge, canary, baseline);
        assertEquals(1.5, r.effectSize(), 0);
        assertEquals(4, r.test().lower(), 0);
        assertEquals(15.25, r.test().estimate(), 0);
        assertEquals(r.reason(), Classification.HIGH, r.classification());

        CanaryMetric aboveEdge = atEdge.withEffectSize(EffectSize.meanRatio(Math.nextUp(1.5), 1));
        MetricResult pass = judge(aboveEdge).classify(aboveEdge, canary, baseline);
        assertEquals(pass.reason(), Classification.PASS, pass.classification());
        assertTrue(pass.reason(), pass.reason().contains("within the allowed increase"));
    }

    @Test
    public void meanRatioExactlyAtTheAllowedDecreaseIsLow() {
        double[] canary = range(1, 61);
        double[] baseline = Arrays.stream(canary).map(v -> 2 * v).toArray();
        CanaryMetric atEdge = CanaryMetric.of("m", "q").withEffectSize(EffectSize.meanRatio(1, 0.5));
        MetricResult r = judge(atEdge).classify(atEdge, canary, baseline);
        assertEquals(0.5, r.effectSize(), 0);
        assertEquals(Classification.LOW, r.classification());
        CanaryMetric belowEdge = atEdge.withEffectSize(EffectSize.meanRatio(1, Math.nextDown(0.5)));
        assertEquals(Classification.PASS, judge(belowEdge).classify(belowEdge, canary, baseline).classification());
    }

    @Test
    public void commonLanguageEffectSizeAtTheAllowedIncreaseIsHigh() {
        // Baseline 0..59, canary shifted by 16: U = 2632 of 3600 pairs.
        double[] baseline = range(0, 60);
        double[] canary = plus(baseline, 16);
        double cles = 2632.0 / 3600;
        CanaryMetric atEdge = CanaryMetric.of("m", "q").withEffectSize(EffectSize.cles(cles, 0.5));
        MetricResult r = judge(atEdge).classify(atEdge, canary, baseline);
        assertEquals(cles, r.effectSize(), 0);
        assertEquals(Classification.HIGH, r.classification());
        CanaryMetric aboveEdge = atEdge.withEffectSize(EffectSize.cles(Math.nextUp(cles), 0.5));
        assertEquals(Classification.PASS, judge(aboveEdge).classify(aboveEdge, canary, baseline).classification());
    }

    @Test
    public void anIntervalReachingTheToleranceBandIsNotAShift() {
        // Baseline 0..59, canary shifted by 16: estimate 16, 98% interval 8 to 24 (normal approximation, R's
        // convention). A tolerance of 0.5 puts the band's edge at 8 exactly: the interval must clear it.
        double[] baseline = range(0, 60);
        double[] canary = plus(baseline, 16);
        CanaryMetric m = CanaryMetric.of("m", "q");
        AnalysisTemplate template = AnalysisTemplate.of(List.of(m));
        AnalysisTemplate onEdge = new AnalysisTemplate(template.metrics(), null, null, 0, 0, 0.5);
        MetricResult r = new CanaryJudge(onEdge).classify(m, canary, baseline);
        assertEquals(8, r.test().lower(), 0);
        assertEquals(16, r.test().estimate(), 0);
        assertEquals(24, r.test().upper(), 0);
        assertEquals(Classification.PASS, r.classification());
        AnalysisTemplate inside = new AnalysisTemplate(template.metrics(), null, null, 0, 0, Math.nextDown(0.5));
        assertEquals(Classification.HIGH, new CanaryJudge(inside).classify(m, canary, baseline).classification());
    }

    @Test
    public void confidenceLevelWidensTheInterval() {
        double[] baseline = normal(11, 60, 10, 2);
        double[] canary = normal(12, 60, 10.9, 2);
        CanaryMetric m = CanaryMetric.of("m", "q");
        AnalysisTemplate t = AnalysisTemplate.of(List.of(m));
        MetricResult at90 = new CanaryJudge(t.withConfidence(0.90)).classify(m, canary, baseline);
        MetricResult at999 = new CanaryJudge(t.withConfidence(0.999)).classify(m, canary, baseline);
        assertTrue(at999.test().lower() < at90.test().lower());
        assertTrue(at999.test().upper() > at90.test().upper());
        assertEquals(at90.test().estimate(), at999.test().estimate(), 0);
    }

    // ---- scores and verdicts

    private static MetricResult fake(String name, String group, Classification c, boolean critical, boolean mustHaveData) {
        SampleSummary s = new SampleSummary(60, 0, 0, 60, 1.0, 1.0, 1.0, 1.0);
        return new MetricResult(name, group, c, critical, mustHaveData, "because", s, s, null,
                EffectSize.Measure.MEAN_RATIO, 1.0);
    }

    private static CanaryMetric in(String name, String group) {
        return CanaryMetric.of(name, "q").inGroup(group);
    }

    @Test
    public void groupScoresAreWeightedAndUnweightedGroupsShareTheRest() {
        AnalysisTemplate t = AnalysisTemplate.of(List.of(in("a1", "errors"), in("a2", "errors"), in("b1", "latency"),
                in("c1", "saturation"))).withGroupWeights(Map.of("errors", 70.0));
        Judgement j = new CanaryJudge(t).score(T0, T1, List.of(
                fake("a1", "errors", Classification.PASS, false, false),
                fake("a2", "errors", Classification.HIGH, false, false),
                fake("b1", "latency", Classification.PASS, false, false),
                fake("c1", "saturation", Classification.LOW, false, false)));
        // errors 50 x 0.70 + latency 100 x 0.15 + saturation 0 x 0.15
        assertEquals(50, j.score(), 1e-9);
        assertEquals(List.of("errors", "latency", "saturation"), j.groups().stream().map(GroupScore::name).toList());
        assertEquals(15, j.groups().get(1).weight(), 1e-12);
        assertEquals(Verdict.FAIL, j.verdict());
        assertTrue(j.reason(), j.reason().startsWith("2 metrics failed: 'a2' High (because); 'c1' Low"));
    }

    @Test
    public void scoreRoundsToTwoDecimalsAndMeetsTheThresholdsAtTheirEdges() {
        AnalysisTemplate t = AnalysisTemplate.of(List.of(in("a", "g"), in("b", "g"), in("c", "g")))
                .withThresholds(new ScoreThresholds(66.67, 33.33));
        CanaryJudge judge = new CanaryJudge(t);
        Judgement two = judge.score(T0, T1, List.of(fake("a", "g", Classification.PASS, false, false),
                fake("b", "g", Classification.PASS, false, false), fake("c", "g", Classification.HIGH, false, false)));
        assertEquals(66.67, two.score(), 0);
        assertEquals(Verdict.PASS, two.verdict());
        Judgement one = judge.score(T0, T1, List.of(fake("a", "g", Classification.PASS, false, false),
                fake("b", "g", Classification.LOW, false, false), fake("c", "g", Classification.HIGH, false, false)));
        assertEquals(33.33, one.score(), 0);
        assertEquals(Verdict.MARGINAL, one.verdict());

        ScoreThresholds th = new ScoreThresholds(95, 75);
        assertEquals(Verdict.PASS, th.verdict(95));
        assertEquals(Verdict.MARGINAL, th.verdict(Math.nextDown(95.0)));
        assertEquals(Verdict.MARGINAL, th.verdict(75));
        assertEquals(Verdict.FAIL, th.verdict(74.99));
    }

    @Test
    public void noDataCountsAsAFailureOnlyWhenTheMetricMustHaveData() {
        AnalysisTemplate t = AnalysisTemplate.of(List.of(in("a", "g"), in("b", "g"), in("c", "g")));
        CanaryJudge judge = new CanaryJudge(t);
        Judgement required = judge.score(T0, T1, List.of(fake("a", "g", Classification.PASS, false, false),
                fake("b", "g", Classification.PASS, false, false), fake("c", "g", Classification.NODATA, false, true)));
        assertEquals(66.67, required.score(), 0);
        assertEquals(1, required.groups().get(0).noDataFailed());
        Judgement optional = judge.score(T0, T1, List.of(fake("a", "g", Classification.PASS, false, false),
                fake("b", "g", Classification.PASS, false, false), fake("c", "g", Classification.NODATA, false, false)));
        assertEquals(100, optional.score(), 0);
        assertEquals(1, optional.groups().get(0).noDataIgnored());
    }

    @Test
    public void noDataOnHalfTheMetricsForcesZero() {
        AnalysisTemplate t = AnalysisTemplate.of(List.of(in("a", "g"), in("b", "g"), in("c", "h"), in("d", "h")));
        Judgement j = new CanaryJudge(t).score(T0, T1, List.of(fake("a", "g", Classification.PASS, false, false),
                fake("b", "g", Classification.PASS, false, false), fake("c", "h", Classification.NODATA, false, false),
                fake("d", "h", Classification.NODATA, false, false)));
        assertEquals(0, j.score(), 0);
        assertEquals(Verdict.FAIL, j.verdict());
        assertTrue(j.reason(), j.reason().startsWith("2 of 4 metrics have no data"));
        Judgement under = new CanaryJudge(t).score(T0, T1, List.of(fake("a", "g", Classification.PASS, false, false),
                fake("b", "g", Classification.PASS, false, false), fake("c", "h", Classification.PASS, false, false),
                fake("d", "h", Classification.NODATA, false, false)));
        assertEquals(100, under.score(), 0);
    }

    @Test
    public void aCriticalMetricThatDoesNotPassForcesZero() {
        AnalysisTemplate t = AnalysisTemplate.of(List.of(in("a", "g"), in("b", "g"), in("c", "g"), in("d", "g")));
        CanaryJudge judge = new CanaryJudge(t);
        for (Classification c : List.of(Classification.HIGH, Classification.LOW, Classification.NODATA)) {
            Judgement j = judge.score(T0, T1, List.of(fake("a", "g", Classification.PASS, false, false),
                    fake("b", "g", Classification.PASS, false, false), fake("c", "g", Classification.PASS, false, false),
                    fake("d", "g", c, true, false)));
            assertEquals(c.toString(), 0, j.score(), 0);
            assertTrue(j.reason(), j.reason().startsWith("critical metric 'd' is "));
        }
    }

    @Test
    public void judgeRunsEveryMetricAndMissingSeriesAreNoData() {
        CanaryMetric latency = CanaryMetric.of("latency", "q");
        CanaryMetric errors = CanaryMetric.of("errors", "q").failingOn(Direction.INCREASE).requiringData();
        CanaryMetric cpu = CanaryMetric.of("cpu", "q").inGroup("saturation");
        CanaryJudge judge = new CanaryJudge(AnalysisTemplate.of(List.of(latency, errors, cpu)));
        Map<String, ScopedSeries> data = new LinkedHashMap<>();
        data.put("latency", ScopedSeries.of(normal(20, 60, 50, 5), normal(21, 60, 50, 5)));
        data.put("cpu", ScopedSeries.of(normal(22, 60, 0.4, 0.05), normal(23, 60, 0.4, 0.05)));
        Judgement j = judge.judge(T0, T1, data);
        assertEquals(List.of("latency", "errors", "cpu"), j.metrics().stream().map(MetricResult::name).toList());
        assertEquals(Classification.NODATA, j.metrics().get(1).classification());
        assertTrue(j.metrics().get(1).reason().startsWith("no data: canary 0 points, baseline 0 points"));
        // default group: latency passes, errors required and missing: 50; saturation: 100; equal weights.
        assertEquals(75, j.score(), 0);
        assertEquals(Verdict.MARGINAL, j.verdict());
        assertEquals(T0, j.start());
    }

    // ---- a series of judgements

    private static Judgement judged(Verdict v) {
        return new Judgement(T0, T1, null, v == Verdict.PASS ? 100 : v == Verdict.MARGINAL ? 80 : 10, v, "r", List.of(),
                List.of(), null);
    }

    @Test
    public void everyJudgementMustReachMarginalAndTheLastMustPass() {
        AnalysisTemplate t = AnalysisTemplate.of(List.of(CanaryMetric.of("m", "q")));
        assertEquals(Verdict.PASS, CanaryReport.of(t, List.of(judged(Verdict.PASS), judged(Verdict.MARGINAL),
                judged(Verdict.PASS))).verdict());
        CanaryReport failed = CanaryReport.of(t, List.of(judged(Verdict.PASS), judged(Verdict.FAIL),
                judged(Verdict.PASS)));
        assertEquals(Verdict.FAIL, failed.verdict());
        assertTrue(failed.summary(), failed.summary().startsWith("Fail over 3 intervals: interval 2 scored 10"));
        assertEquals(Verdict.MARGINAL, CanaryReport.of(t, List.of(judged(Verdict.PASS), judged(Verdict.MARGINAL)))
                .verdict());
        assertEquals(Verdict.PASS, CanaryReport.of(t, List.of(judged(Verdict.MARGINAL))).with(judged(Verdict.PASS))
                .verdict());
    }

    @Test
    public void reportRoundTripsThroughJson() {
        CanaryMetric latency = CanaryMetric.of("latency", "histogram_quantile(0.99, rate(x{${scope}}[1m]))")
                .failingOn(Direction.INCREASE).withEffectSize(EffectSize.meanRatio(1.2, 1)).asCritical();
        CanaryMetric errors = CanaryMetric.of("errors", "q").inGroup("errors").requiringData().removingOutliers(3);
        AnalysisTemplate t = AnalysisTemplate.of(List.of(latency, errors)).withGroupWeights(Map.of("errors", 60.0));
        CanaryJudge judge = new CanaryJudge(t);
        Map<String, ScopedSeries> data = Map.of("latency", ScopedSeries.of(normal(30, 60, 50, 5), normal(31, 60, 70, 5)),
                "errors", ScopedSeries.of(new double[60], new double[60]));
        Judgement j = judge.judge(T0, T1, data).atWeight(25)
                .withDecision(new Decision(false, "alice", "too slow", T1));
        CanaryReport report = CanaryReport.of(t, List.of(j));
        String json = report.toJson();
        assertTrue(json, json.contains("\"direction\" : \"increase\""));
        assertTrue(json, json.contains("\"measure\" : \"meanRatio\""));
        assertTrue(json, json.contains("\"start\" : \"2026-09-01T10:00:00Z\""));
        assertTrue(json, json.contains("\"pValue\""));
        CanaryReport back = CanaryReport.fromJson(json);
        assertEquals(report, back);
        assertEquals(Verdict.FAIL, back.verdict());
    }

    @Test
    public void templateReadsFromJsonWithDefaults() {
        AnalysisTemplate t = CanaryReport.fromJson("""
                {"template": {"metrics": [{"name": "errors", "query": "sum(rate(e{${scope}}[5s]))",
                  "direction": "Increase", "effectSize": {"measure": "cles", "allowedIncrease": 0.6}}]},
                 "judgements": [], "verdict": "PASS", "summary": ""}""").template();
        assertEquals(0.98, t.confidence(), 0);
        assertEquals(50, t.minimumPoints());
        assertEquals(ScoreThresholds.DEFAULT, t.thresholds());
        CanaryMetric m = t.metrics().get(0);
        assertEquals(Direction.INCREASE, m.direction());
        assertEquals(EffectSize.cles(0.6, 0.5), m.effectSize());
        assertEquals("default", m.group());
        assertFalse(m.removeOutliers());
        assertEquals(3, m.outlierFactor(), 0);
    }

    @Test
    public void badTemplatesAreRefusedWithWhatToDo() {
        List<String> messages = new ArrayList<>();
        List<Runnable> attempts = List.of(
                () -> AnalysisTemplate.of(List.of()),
                () -> AnalysisTemplate.of(List.of(CanaryMetric.of("a", "q"), CanaryMetric.of("a", "r"))),
                () -> AnalysisTemplate.of(List.of(in("a", "g"))).withGroupWeights(Map.of("h", 10.0)),
                () -> AnalysisTemplate.of(List.of(in("a", "g"), in("b", "h"))).withGroupWeights(Map.of("g", 60.0, "h", 30.0)),
                () -> AnalysisTemplate.of(List.of(in("a", "g"))).withConfidence(1.5),
                () -> new ScoreThresholds(50, 75),
                () -> EffectSize.meanRatio(0.9, 1),
                () -> CanaryMetric.of("a", " "),
                () -> Direction.parse("up"));
        for (Runnable attempt : attempts) {
            try {
                attempt.run();
                throw new AssertionError("accepted a bad template");
            } catch (EngineException e) {
                assertEquals(EngineException.Kind.BAD_INPUT, e.kind());
                messages.add(e.getMessage());
            }
        }
        assertTrue(messages.get(2), messages.get(2).contains("weighs group 'h' but no metric is in it"));
        assertTrue(messages.get(3), messages.get(3).contains("add up to 90.0, not 100"));
        assertTrue(messages.get(8), messages.get(8).contains("use increase, decrease or either"));
    }
}
