package io.jenkins.plugins.immutable.analysis;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Judges a canary against its baseline, in the manner of Kayenta's NetflixACAJudge: per metric a Mann-Whitney U test
 * with a Hodges-Lehmann interval on the shift and an allowed effect size per direction; per group the share of
 * counted metrics that pass; a weighted sum of the groups as the score (0-100); the score against two thresholds as
 * the verdict. A critical metric that does not pass, or NoData on half the metrics or more, forces the score to 0.
 *
 * <p>Where Kayenta could let a bad canary through, this judge does not: missing values are removed, never replaced
 * by zero; a metric whose baseline is zero throughout while the canary is not (errors the baseline never had) fails
 * on the count of those events, however few; and fewer points than the template's minimum is NoData that says how
 * many points were seen, not a guess. Pure and thread-safe: the same input gives the same judgement.
 */
public final class CanaryJudge {

    private final AnalysisTemplate template;

    public CanaryJudge(AnalysisTemplate template) {
        this.template = template;
    }

    public AnalysisTemplate template() {
        return template;
    }

    /**
     * Judges one interval.
     *
     * @param data each metric's points by metric name; a metric left out has no data
     */
    public Judgement judge(Instant start, Instant end, Map<String, ScopedSeries> data) {
        List<MetricResult> results = new ArrayList<>();
        for (CanaryMetric metric : template.metrics()) {
            ScopedSeries series = data.get(metric.name());
            if (series == null) {
                series = new ScopedSeries(TimeSeries.EMPTY, TimeSeries.EMPTY);
            }
            MetricResult result = classify(metric, series.canary().values(), series.baseline().values());
            if (result.classification() == Classification.NODATA && series.origin() != null) {
                result = new MetricResult(result.name(), result.group(), result.classification(), result.critical(),
                        result.mustHaveData(), result.reason() + "; asked " + series.origin(), result.canary(),
                        result.baseline(), result.test(), result.measure(), result.effectSize());
            }
            results.add(result);
        }
        return score(start, end, results);
    }

    /** Scores classified metrics: group scores, weighted sum, the forcing rules and the verdict. */
    Judgement score(Instant start, Instant end, List<MetricResult> results) {
        List<GroupScore> groups = new ArrayList<>();
        double sum = 0;
        for (String group : template.groups()) {
            int pass = 0;
            int high = 0;
            int low = 0;
            int noDataFailed = 0;
            int noDataIgnored = 0;
            for (MetricResult r : results) {
                if (!r.group().equals(group)) {
                    continue;
                }
                switch (r.classification()) {
                    case PASS -> pass++;
                    case HIGH -> high++;
                    case LOW -> low++;
                    case NODATA -> {
                        if (r.mustHaveData()) {
                            noDataFailed++;
                        } else {
                            noDataIgnored++;
                        }
                    }
                    default -> throw new IllegalStateException("unknown classification " + r.classification());
                }
            }
            int counted = pass + high + low + noDataFailed;
            boolean noData = counted == 0;
            double groupScore = noData ? 0 : 100.0 * pass / counted;
            double weight = template.weightOf(group);
            sum += (noData ? 100 : groupScore) * weight / 100;
            groups.add(new GroupScore(group, weight, groupScore, noData, pass, high, low, noDataFailed, noDataIgnored));
        }

        double score = Math.round(sum * 100) / 100.0;
        String reason = null;
        for (MetricResult r : results) {
            if (r.critical() && r.classification() != Classification.PASS) {
                score = 0;
                reason = "critical metric '" + r.name() + "' is " + label(r.classification()) + ": " + r.reason();
                break;
            }
        }
        long noData = results.stream().filter(r -> r.classification() == Classification.NODATA).count();
        if (reason == null && noData * 2 >= results.size()) {
            score = 0;
            reason = noData + " of " + results.size() + " metrics have no data (half or more forces a score of 0): "
                    + results.stream().filter(r -> r.classification() == Classification.NODATA)
                            .map(r -> r.name() + ": " + r.reason()).findFirst().orElse("");
        }
        if (reason == null) {
            List<String> failing = new ArrayList<>();
            for (MetricResult r : results) {
                if (r.failed()) {
                    failing.add("'" + r.name() + "' " + label(r.classification()) + " (" + r.reason() + ")");
                }
            }
            reason = failing.isEmpty() ? "every counted metric passed"
                    : failing.size() + " metric" + (failing.size() == 1 ? "" : "s") + " failed: " + String.join("; ", failing);
        }
        Verdict verdict = template.thresholds().verdict(score);
        return new Judgement(start, end, null, score, verdict, reason, groups, results, null);
    }

    /** Classifies one metric from the raw points of both scopes (NaN where a value is missing). */
    public MetricResult classify(CanaryMetric metric, double[] canaryPoints, double[] baselinePoints) {
        double[] canary = sortedPresent(canaryPoints);
        double[] baseline = sortedPresent(baselinePoints);
        int canaryMissing = canaryPoints.length - canary.length;
        int baselineMissing = baselinePoints.length - baseline.length;
        int min = template.minimumPoints();

        if (canary.length < min || baseline.length < min) {
            String reason = (canary.length == 0 && baseline.length == 0 ? "no data" : "too few points")
                    + ": canary " + points(canary.length, canaryMissing) + ", baseline "
                    + points(baseline.length, baselineMissing) + "; at least " + min + " per scope are needed: analyse a"
                    + " longer interval, check the query, or lower minimumPoints";
            return result(metric, Classification.NODATA, reason, SampleSummary.of(canary, canaryMissing, 0),
                    SampleSummary.of(baseline, baselineMissing, 0), null, null);
        }

        // Events against an all-zero baseline: judged on their count before any outlier removal could drop them.
        if (allZero(baseline) && !allZero(canary)) {
            SampleSummary c = SampleSummary.of(canary, canaryMissing, 0);
            SampleSummary b = SampleSummary.of(baseline, baselineMissing, 0);
            boolean above = canary[canary.length - 1] > 0;
            boolean below = canary[0] < 0;
            String seen = "baseline is 0 at all " + baseline.length + " points, canary is not at " + c.nonZero() + " of "
                    + canary.length + " (mean " + fmt(c.mean()) + ")";
            if (above && metric.direction().watchesIncrease()) {
                return result(metric, Classification.HIGH, seen + ": events the baseline never had", c, b, null, null);
            }
            if (below && metric.direction().watchesDecrease()) {
                return result(metric, Classification.LOW, seen + ": a fall the baseline never had", c, b, null, null);
            }
            return result(metric, Classification.PASS, seen + ", in the direction the metric allows", c, b, null, null);
        }

        int canaryOutliers = 0;
        int baselineOutliers = 0;
        if (metric.removeOutliers()) {
            double[] kept = withoutOutliers(canary, metric.outlierFactor());
            canaryOutliers = canary.length - kept.length;
            canary = kept;
            kept = withoutOutliers(baseline, metric.outlierFactor());
            baselineOutliers = baseline.length - kept.length;
            baseline = kept;
        }
        SampleSummary c = SampleSummary.of(canary, canaryMissing, canaryOutliers);
        SampleSummary b = SampleSummary.of(baseline, baselineMissing, baselineOutliers);

        if (Arrays.equals(canary, baseline)) {
            return result(metric, Classification.PASS, "canary and baseline points are identical", c, b, null,
                    metric.effectSize().measure().neutral());
        }
        if (canary[0] == canary[canary.length - 1] && baseline[0] == baseline[baseline.length - 1]
                && canary[0] == baseline[0]) {
            return result(metric, Classification.PASS, "every point of both scopes is " + fmt(canary[0]), c, b, null,
                    metric.effectSize().measure().neutral());
        }

        MannWhitneyResult test = MannWhitney.testSorted(canary, baseline, template.confidence());
        Double effect = metric.effectSize().measure() == EffectSize.Measure.CLES
                ? Double.valueOf(test.commonLanguageEffectSize())
                : meanRatio(c.mean(), b.mean());
        double band = template.tolerance() * Math.abs(test.estimate());
        EffectSize allowed = metric.effectSize();
        String shift = "shift " + signed(test.estimate()) + " (" + percent(test.confidence()) + " interval "
                + fmt(test.lower()) + " to " + fmt(test.upper()) + ", p = " + fmt(test.pValue()) + ")";
        String effectText = effect == null ? allowed.measure().label() + " undefined"
                : allowed.measure().label() + " " + fmt(effect);

        boolean clearlyHigher = test.lower() > band;
        boolean clearlyLower = test.upper() < -band;
        if (clearlyHigher && metric.direction().watchesIncrease()) {
            if (effect == null || effect >= allowed.allowedIncrease()) {
                return result(metric, Classification.HIGH, "canary higher: " + shift + ", " + effectText
                        + (effect == null ? "" : " reaches the allowed increase " + fmt(allowed.allowedIncrease())),
                        c, b, test, effect);
            }
            return result(metric, Classification.PASS, "canary higher: " + shift + ", but " + effectText
                    + " is within the allowed increase " + fmt(allowed.allowedIncrease()), c, b, test, effect);
        }
        if (clearlyLower && metric.direction().watchesDecrease()) {
            if (effect == null || effect <= allowed.allowedDecrease()) {
                return result(metric, Classification.LOW, "canary lower: " + shift + ", " + effectText
                        + (effect == null ? "" : " reaches the allowed decrease " + fmt(allowed.allowedDecrease())),
                        c, b, test, effect);
            }
            return result(metric, Classification.PASS, "canary lower: " + shift + ", but " + effectText
                    + " is within the allowed decrease " + fmt(allowed.allowedDecrease()), c, b, test, effect);
        }
        String why;
        if (clearlyHigher || clearlyLower) {
            why = "canary " + (clearlyHigher ? "higher" : "lower") + ": " + shift + ", a direction the metric allows";
        } else {
            why = "no significant shift: " + shift;
        }
        return result(metric, Classification.PASS, why, c, b, test, effect);
    }

    private static MetricResult result(CanaryMetric metric, Classification classification, String reason,
                                       SampleSummary canary, SampleSummary baseline, MannWhitneyResult test,
                                       Double effectSize) {
        return new MetricResult(metric.name(), metric.group(), classification, metric.critical(), metric.mustHaveData(),
                reason, canary, baseline, test, metric.effectSize().measure(), effectSize);
    }

    private static Double meanRatio(double canaryMean, double baselineMean) {
        return baselineMean == 0 ? null : canaryMean / baselineMean;
    }

    /** Finite values, sorted; NaN and infinities are missing values. */
    private static double[] sortedPresent(double[] values) {
        double[] present = new double[values.length];
        int n = 0;
        for (double v : values) {
            if (Double.isFinite(v)) {
                present[n++] = v;
            }
        }
        double[] sorted = Arrays.copyOf(present, n);
        Sorting.sort(sorted);
        return sorted;
    }

    private static boolean allZero(double[] sorted) {
        return sorted[0] == 0 && sorted[sorted.length - 1] == 0;
    }

    /**
     * The points within the fences: quartiles (linear interpolation, R's type 7) -+ factor x interquartile range.
     * With an interquartile range of 0 nothing is removed: every point off the median would be an "outlier", which
     * would hide exactly the rare errors a canary must be judged on.
     */
    static double[] withoutOutliers(double[] sorted, double factor) {
        double q1 = quantile(sorted, 0.25);
        double q3 = quantile(sorted, 0.75);
        double iqr = q3 - q1;
        if (iqr == 0) {
            return sorted;
        }
        double low = q1 - factor * iqr;
        double high = q3 + factor * iqr;
        int from = 0;
        while (from < sorted.length && sorted[from] < low) {
            from++;
        }
        int to = sorted.length;
        while (to > from && sorted[to - 1] > high) {
            to--;
        }
        return from == 0 && to == sorted.length ? sorted : Arrays.copyOfRange(sorted, from, to);
    }

    static double quantile(double[] sorted, double p) {
        double h = (sorted.length - 1) * p;
        int i = (int) Math.floor(h);
        return i + 1 < sorted.length ? sorted[i] + (h - i) * (sorted[i + 1] - sorted[i]) : sorted[i];
    }

    private static String points(int present, int missing) {
        return present + " point" + (present == 1 ? "" : "s") + (missing == 0 ? "" : " (" + missing + " missing)");
    }

    private static String label(Classification c) {
        return switch (c) {
            case PASS -> "Pass";
            case HIGH -> "High";
            case LOW -> "Low";
            case NODATA -> "NoData";
        };
    }

    static String fmt(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return String.format(Locale.ROOT, "%.4g", v).replaceFirst("(\\.\\d*?)0+(e|$)", "$1$2").replaceFirst("\\.(e|$)", "$1");
    }

    private static String signed(double v) {
        return (v > 0 ? "+" : "") + fmt(v);
    }

    private static String percent(double confidence) {
        return fmt(confidence * 100) + "%";
    }
}
