package io.jenkins.plugins.immutable.analysis;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * A bench, not a test: how long the judge takes on 20 metrics of 10,000 points per scope (goal: under 50 ms).
 * One thread, after warm-up; prints wall-clock and CPU time (the CPU time is the steadier figure on a shared
 * machine; the load average is printed beside it). Run it with
 * {@code ./mvnw -q -DskipPlugin -pl engine test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=io.jenkins.plugins.immutable.analysis.CanaryJudgeBench}.
 */
public final class CanaryJudgeBench {

    private CanaryJudgeBench() {
    }

    public static void main(String[] args) {
        int metrics = 20;
        int[] sizes = args.length > 0 ? Arrays.stream(args).mapToInt(Integer::parseInt).toArray() : new int[] {10_000, 5_000};
        System.out.printf(Locale.ROOT, "load average %.2f on %d processors%n",
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
                Runtime.getRuntime().availableProcessors());
        for (int points : sizes) {
            run(metrics, points);
        }
    }

    private static void run(int metricCount, int points) {
        Random random = new Random(42);
        List<CanaryMetric> metrics = new ArrayList<>();
        Map<String, ScopedSeries> data = new LinkedHashMap<>();
        for (int i = 0; i < metricCount; i++) {
            String name = "metric-" + i;
            CanaryMetric metric = CanaryMetric.of(name, "q").inGroup("group-" + (i % 4));
            if (i % 5 == 0) {
                metric = metric.removingOutliers(3);
            }
            metrics.add(metric);
            double shift = i % 3 == 0 ? 0.05 : 0;
            double[] baseline = new double[points];
            double[] canary = new double[points];
            for (int k = 0; k < points; k++) {
                if (i % 4 == 3) {
                    // counts: heavy ties
                    baseline[k] = Math.floor(Math.abs(random.nextGaussian() * 3));
                    canary[k] = Math.floor(Math.abs(random.nextGaussian() * 3 + shift * 10));
                } else {
                    baseline[k] = Math.exp(random.nextGaussian() * 0.5);
                    canary[k] = Math.exp(random.nextGaussian() * 0.5 + shift);
                }
                if (k % 97 == 0) {
                    canary[k] = Double.NaN;
                }
            }
            data.put(name, ScopedSeries.of(baseline, canary));
        }
        CanaryJudge judge = new CanaryJudge(AnalysisTemplate.of(metrics));
        Instant start = Instant.EPOCH;
        Instant end = start.plusSeconds(60);
        Judgement last = null;
        for (int i = 0; i < 30; i++) {
            last = judge.judge(start, end, data);
        }
        int runs = 40;
        double[] millis = new double[runs];
        double[] cpuMillis = new double[runs];
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        for (int i = 0; i < runs; i++) {
            long cpu = threads.getCurrentThreadCpuTime();
            long t = System.nanoTime();
            last = judge.judge(start, end, data);
            millis[i] = (System.nanoTime() - t) / 1e6;
            cpuMillis[i] = (threads.getCurrentThreadCpuTime() - cpu) / 1e6;
        }
        Arrays.sort(millis);
        Arrays.sort(cpuMillis);
        System.out.printf(Locale.ROOT, "judge: %d metrics x %,d points per scope (canary and baseline), one thread, %d runs:"
                        + " wall median %.1f ms (min %.1f, p90 %.1f); CPU median %.1f ms (min %.1f); score %.2f %s%n",
                metricCount, points, runs, millis[runs / 2], millis[0], millis[runs * 9 / 10], cpuMillis[runs / 2],
                cpuMillis[0], last.score(), last.verdict());
    }
}
