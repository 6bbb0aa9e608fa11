package io.jenkins.plugins.immutable.metrics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * {@link DeliveryMetrics} as an OpenMetrics 1.0 text exposition, for Prometheus to scrape. Every family is a gauge
 * over the window (a scrape shows the window as of then, so the series over time is Prometheus' own); a figure that
 * is not measured (null) is left out rather than written as NaN. A sample without an {@code environment} label is the
 * overall figure. The families are listed in docs/metrics.md.
 */
public final class OpenMetrics {

    /** The content type of the exposition. */
    public static final String CONTENT_TYPE = "application/openmetrics-text; version=1.0.0; charset=utf-8";

    static final String PREFIX = "immutable_delivery_";

    private OpenMetrics() {
    }

    /** The exposition, ending with {@code # EOF}. */
    public static String write(DeliveryMetrics m) {
        Writer w = new Writer();
        w.family("window_seconds", "seconds", "Length of the window the figures cover.");
        w.sample("window_seconds", Map.of(), m.window().length().toMillis() / 1000.0);

        w.family("promotions", null, "Promotions that ended in the window, by outcome.");
        forScopes(m, (labels, f) -> {
            w.sample("promotions", with(labels, "outcome", "deployed"), f.deployed());
            w.sample("promotions", with(labels, "outcome", "failed"), f.failed());
        });
        ratioFamily(w, m, "deployment_success_ratio", "M1: deployed promotions / promotions.",
                Figures::deploymentSuccessRate);
        w.family("rollbacks", null, "Rollbacks that restored traffic in the window (automatic and asked for).");
        forScopes(m, (labels, f) -> w.sample("rollbacks", labels, f.rollbacks()));
        durationFamily(w, m, "time_to_rollback_seconds", "M2: from the decision to roll back to traffic restored.",
                Figures::timeToRollback);
        w.family("canaries", null, "Canary promotions the analysis judged in the window, by result.");
        forScopes(m, (labels, f) -> {
            w.sample("canaries", with(labels, "result", "passed"), f.canariesPassed());
            w.sample("canaries", with(labels, "result", "failed"), f.canaries() - f.canariesPassed());
        });
        ratioFamily(w, m, "canary_pass_ratio", "M3: canaries passed / canaries judged.", Figures::canaryPassRate);
        w.family("drift_incidents", null, "M4: drift incidents that began in the window (consecutive drift checks"
                + " that found differences, until a clean one).");
        forScopes(m, (labels, f) -> w.sample("drift_incidents", labels, f.driftIncidents()));
        durationFamily(w, m, "time_to_clean_seconds", "From the first drift check that found differences to the"
                + " first clean one after it, for incidents that ended in the window.", Figures::timeToClean);
        durationFamily(w, m, "time_to_recovery_seconds", "M5: from a failed change's start to traffic restored.",
                Figures::timeToRecovery);
        w.family("deployments_per_day", null, "DORA deployment frequency: deployed promotions per day.");
        forScopes(m, (labels, f) -> w.sample("deployments_per_day", labels, f.deploymentsPerDay()));
        durationFamily(w, m, "lead_time_seconds", "Lead time for changes: from the build's start (provenance) to"
                + " live.", Figures::leadTime);
        ratioFamily(w, m, "change_failure_ratio", "DORA change failure rate: failed or later rolled-back promotions"
                + " / promotions.", Figures::changeFailureRate);

        if (m.attestationsChecked()) {
            w.family("provenance_coverage_ratio", "ratio", "M6: live digests with verified SLSA provenance / live"
                    + " digests.");
            w.sample("provenance_coverage_ratio", Map.of(), m.provenanceCoverage());
            w.family("vulnerability_density", null, "M7: severity-weighted findings per scanned live digest.");
            w.sample("vulnerability_density", Map.of(), m.vulnerabilityDensity());
        }
        w.family("live_since_timestamp_seconds", "seconds", "Version distribution: the digest live in each"
                + " environment, and since when (Unix time).");
        for (EnvironmentMetrics e : m.environments()) {
            if (e.live() != null) {
                w.sample("live_since_timestamp_seconds", Map.of("environment", e.environment(), "digest",
                        e.live().digest().toString()), e.live().since().toEpochMilli() / 1000.0);
            }
        }
        if (m.attestationsChecked()) {
            w.family("live_provenance_verified", null, "1 when the live digest has verified SLSA provenance, else 0.");
            w.family("live_vulnerabilities", null, "Findings of the live digest's newest verified scan, by"
                    + " severity.");
            for (EnvironmentMetrics e : m.environments()) {
                LiveImage l = e.live();
                if (l == null) {
                    continue;
                }
                Map<String, String> labels = Map.of("environment", e.environment(), "digest", l.digest().toString());
                w.sample("live_provenance_verified", labels, l.provenance() != null ? 1 : 0);
                Vulnerabilities v = l.vulnerabilities();
                if (v != null) {
                    w.sample("live_vulnerabilities", with(labels, "severity", "critical"), v.critical());
                    w.sample("live_vulnerabilities", with(labels, "severity", "high"), v.high());
                    w.sample("live_vulnerabilities", with(labels, "severity", "medium"), v.medium());
                    w.sample("live_vulnerabilities", with(labels, "severity", "low"), v.low());
                    w.sample("live_vulnerabilities", with(labels, "severity", "unknown"), v.unknown());
                }
            }
        }
        return w.finish();
    }

    private interface ScopeSink {
        void accept(Map<String, String> labels, Figures figures);
    }

    /** Each environment with its label, then the overall figures without one. */
    private static void forScopes(DeliveryMetrics m, ScopeSink sink) {
        for (EnvironmentMetrics e : m.environments()) {
            sink.accept(Map.of("environment", e.environment()), e.figures());
        }
        sink.accept(Map.of(), m.overall());
    }

    private static void ratioFamily(Writer w, DeliveryMetrics m, String name, String help,
            Function<Figures, Double> value) {
        w.family(name, "ratio", help);
        forScopes(m, (labels, f) -> w.sample(name, labels, value.apply(f)));
    }

    /** Mean, median and max as a {@code stat} label; count as its own sample. */
    private static void durationFamily(Writer w, DeliveryMetrics m, String name, String help,
            Function<Figures, DurationStats> value) {
        w.family(name, "seconds", help + " Statistic in the stat label.");
        forScopes(m, (labels, f) -> {
            DurationStats s = value.apply(f);
            w.sample(name, with(labels, "stat", "mean"), s.meanSeconds());
            w.sample(name, with(labels, "stat", "median"), s.medianSeconds());
            w.sample(name, with(labels, "stat", "max"), s.maxSeconds());
        });
        String count = name.replace("_seconds", "_measured");
        w.family(count, null, "How many durations " + name + " summarises.");
        forScopes(m, (labels, f) -> w.sample(count, labels, value.apply(f).count()));
    }

    private static Map<String, String> with(Map<String, String> labels, String name, String value) {
        Map<String, String> result = new LinkedHashMap<>(labels);
        result.put(name, value);
        return result;
    }

    /** Writes families and their samples; a family without samples is dropped. */
    private static final class Writer {
        private final Map<String, List<String>> samples = new LinkedHashMap<>();
        private final Map<String, String> headers = new LinkedHashMap<>();

        void family(String name, String unit, String help) {
            String full = PREFIX + name;
            headers.put(full, "# TYPE " + full + " gauge\n" + (unit == null ? "" : "# UNIT " + full + " " + unit + "\n")
                    + "# HELP " + full + " " + escapeHelp(help) + "\n");
            samples.put(full, new ArrayList<>());
        }

        void sample(String name, Map<String, String> labels, Number value) {
            if (value == null) {
                return;
            }
            String full = PREFIX + name;
            StringBuilder line = new StringBuilder(full);
            if (!labels.isEmpty()) {
                line.append('{');
                List<String> parts = new ArrayList<>();
                labels.entrySet().stream().sorted(Map.Entry.comparingByKey())
                        .forEach(e -> parts.add(e.getKey() + "=\"" + escapeLabel(e.getValue()) + "\""));
                line.append(String.join(",", parts)).append('}');
            }
            line.append(' ').append(number(value)).append('\n');
            samples.get(full).add(line.toString());
        }

        String finish() {
            StringBuilder out = new StringBuilder();
            samples.forEach((name, lines) -> {
                if (!lines.isEmpty()) {
                    out.append(headers.get(name));
                    lines.forEach(out::append);
                }
            });
            return out.append("# EOF\n").toString();
        }
    }

    static String number(Number n) {
        if (n instanceof Integer || n instanceof Long) {
            return n.toString();
        }
        double d = n.doubleValue();
        if (d == Math.rint(d) && Math.abs(d) < 1e15) {
            return Long.toString((long) d);
        }
        return String.format(Locale.ROOT, "%s", Double.toString(d));
    }

    private static String escapeLabel(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    private static String escapeHelp(String s) {
        return s.replace("\\", "\\\\").replace("\n", "\\n");
    }
}
