package io.jenkins.plugins.immutable.actions;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import hudson.model.Run;
import io.jenkins.plugins.immutable.analysis.CanaryReport;
import io.jenkins.plugins.immutable.analysis.Judgement;
import io.jenkins.plugins.immutable.analysis.MetricResult;
import io.jenkins.plugins.immutable.analysis.SampleSummary;
import io.jenkins.plugins.immutable.analysis.SourceError;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.kohsuke.stapler.StaplerResponse2;
import org.kohsuke.stapler.export.Exported;
import org.kohsuke.stapler.export.ExportedBean;
import org.kohsuke.stapler.verb.GET;

/**
 * The canary analysis of one deployment: every judgement (score, verdict, the decision a person took on a Marginal
 * one), and per metric the baseline and canary medians, the Mann-Whitney p-value and the classification, with a chart
 * of each metric over the judgements. Kept as the engine's report JSON, updated after every judgement.
 */
@ExportedBean
public final class CanaryAnalysisAction extends RunAttachedAction {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String environment;
    private final String deployment;
    /** The canary's digest, short ({@code sha256:1234abcd5678}); null in actions kept before it was recorded. */
    private final String canary;
    private volatile String report;
    private transient volatile CanaryReport parsed;

    CanaryAnalysisAction(String environment, String deployment, String canary) {
        this.environment = environment;
        this.deployment = deployment;
        this.canary = canary;
    }

    /** Keeps the latest report of a deployment's analysis on the run. */
    public static void update(Run<?, ?> run, String environment, String deployment, String canary,
            CanaryReport report) throws IOException {
        CanaryAnalysisAction action;
        synchronized (CanaryAnalysisAction.class) {
            action = run.getActions(CanaryAnalysisAction.class).stream()
                    .filter(a -> a.deployment.equals(deployment)).findFirst().orElse(null);
            if (action == null) {
                action = new CanaryAnalysisAction(environment, deployment, canary);
                run.addAction(action);
            }
        }
        action.report = report.toJson();
        action.parsed = report;
        run.save();
    }

    @Override
    public String getIconFileName() {
        return "symbol-analytics";
    }

    @Override
    public String getDisplayName() {
        // a run may judge several canaries in one environment: the digest tells them apart in the side panel
        return canary == null ? Messages.CanaryAnalysisAction_DisplayName(environment)
                : Messages.CanaryAnalysisAction_DisplayNameOf(canary, environment);
    }

    @Override
    public String getUrlName() {
        return "immutable-canary-" + deployment.replaceAll("[^A-Za-z0-9_-]", "_");
    }

    @Exported
    public String getEnvironment() {
        return environment;
    }

    @Exported
    public String getCanary() {
        return canary;
    }

    @Exported
    public String getDeployment() {
        return deployment;
    }

    public CanaryReport getReport() {
        CanaryReport r = parsed;
        if (r == null && report != null) {
            r = CanaryReport.fromJson(report);
            parsed = r;
        }
        return r;
    }

    /** PASS, MARGINAL or FAIL, as the series of judgements stands. */
    @Exported
    public String getVerdict() {
        CanaryReport r = getReport();
        return r == null ? null : r.verdict().name();
    }

    @Exported
    public String getSummary() {
        CanaryReport r = getReport();
        return r == null ? null : r.summary();
    }

    @Exported(inline = true)
    public List<JudgementRow> getJudgements() {
        CanaryReport r = getReport();
        List<JudgementRow> rows = new ArrayList<>();
        if (r != null) {
            for (int i = 0; i < r.judgements().size(); i++) {
                rows.add(new JudgementRow(i + 1, r.judgements().get(i)));
            }
        }
        return rows;
    }

    /** The report as the engine writes it. */
    @GET
    public void doJson(StaplerResponse2 rsp) throws IOException {
        Downloads.send(rsp, "application/json", "canary-" + deployment + ".json", report);
    }

    /**
     * One ECharts option per metric, as JSON for the page's {@code data-chart-option} attributes: the canary's and the
     * baseline's median at each judgement. Built here so the page needs no inline script.
     */
    public Map<String, String> getCharts() {
        CanaryReport r = getReport();
        Map<String, String> charts = new LinkedHashMap<>();
        if (r == null || r.judgements().isEmpty()) {
            return charts;
        }
        List<String> labels = new ArrayList<>();
        for (int i = 0; i < r.judgements().size(); i++) {
            Judgement j = r.judgements().get(i);
            labels.add("#" + (i + 1) + (j.canaryWeight() == null ? "" : " (" + j.canaryWeight() + "%)"));
        }
        List<String> names = new ArrayList<>();
        for (Judgement j : r.judgements()) {
            for (MetricResult m : j.metrics()) {
                if (!names.contains(m.name())) {
                    names.add(m.name());
                }
            }
        }
        for (String name : names) {
            ArrayNode canary = JSON.createArrayNode();
            ArrayNode baseline = JSON.createArrayNode();
            for (Judgement j : r.judgements()) {
                MetricResult m = j.metrics().stream().filter(x -> x.name().equals(name)).findFirst().orElse(null);
                add(canary, m == null ? null : m.canary());
                add(baseline, m == null ? null : m.baseline());
            }
            charts.put(name, option(name, labels, canary, baseline).toString());
        }
        return charts;
    }

    private static void add(ArrayNode series, SampleSummary s) {
        if (s == null || s.median() == null) {
            series.addNull();
        } else {
            series.add(s.median());
        }
    }

    private static ObjectNode option(String title, List<String> labels, ArrayNode canary, ArrayNode baseline) {
        ObjectNode o = JSON.createObjectNode();
        o.putObject("title").put("text", title).put("left", "center");
        o.putObject("tooltip").put("trigger", "axis");
        o.putObject("legend").put("bottom", 0).putArray("data").add("canary").add("baseline");
        ObjectNode x = o.putObject("xAxis").put("type", "category");
        labels.forEach(x.putArray("data")::add);
        o.putObject("yAxis").put("type", "value").put("name", "median");
        ArrayNode series = o.putArray("series");
        series.addObject().put("name", "canary").put("type", "line").put("connectNulls", false).set("data", canary);
        series.addObject().put("name", "baseline").put("type", "line").put("connectNulls", false)
                .set("data", baseline);
        return o;
    }

    /** One judgement, for the page and the REST API. */
    @ExportedBean(defaultVisibility = 2)
    public static final class JudgementRow {

        private final int number;
        private final Judgement j;

        JudgementRow(int number, Judgement j) {
            this.number = number;
            this.j = j;
        }

        @Exported
        public int getNumber() {
            return number;
        }

        @Exported
        public Integer getCanaryWeight() {
            return j.canaryWeight();
        }

        @Exported
        public String getStart() {
            return String.valueOf(j.start());
        }

        @Exported
        public String getEnd() {
            return String.valueOf(j.end());
        }

        /** The score, or null when there is none (an Inconclusive judgement: the metric source kept failing). */
        @Exported
        public Double getScore() {
            return Double.isNaN(j.score()) ? null : j.score();
        }

        /** Each time the metric source failed during this judgement: when, which metric, and what it said. */
        @Exported(inline = true)
        public List<ErrorRow> getErrors() {
            return j.errors().stream().map(ErrorRow::new).toList();
        }

        @Exported
        public String getVerdict() {
            return j.verdict().name();
        }

        @Exported
        public String getReason() {
            return j.reason();
        }

        /** What a person decided about a Marginal verdict, or null. */
        @Exported
        public String getDecision() {
            return j.decision() == null ? null : (j.decision().proceed() ? "proceed" : "roll back") + " by "
                    + j.decision().by() + (j.decision().reason() == null ? "" : ": " + j.decision().reason());
        }

        @Exported(inline = true)
        public List<MetricRow> getMetrics() {
            return j.metrics().stream().map(MetricRow::new).toList();
        }
    }

    /** One failure of the metric source. */
    @ExportedBean(defaultVisibility = 3)
    public static final class ErrorRow {

        private final SourceError e;

        ErrorRow(SourceError e) {
            this.e = e;
        }

        @Exported
        public String getAt() {
            return String.valueOf(e.at());
        }

        @Exported
        public String getMetric() {
            return e.metric();
        }

        /** OUTAGE (the source could not be reached) or BAD_INPUT (it refused the query). */
        @Exported
        public String getKind() {
            return e.kind().name();
        }

        @Exported
        public String getMessage() {
            return e.message();
        }
    }

    /** One metric of one judgement. */
    @ExportedBean(defaultVisibility = 3)
    public static final class MetricRow {

        private final MetricResult m;

        MetricRow(MetricResult m) {
            this.m = m;
        }

        @Exported
        public String getName() {
            return m.name();
        }

        @Exported
        public String getGroup() {
            return m.group();
        }

        /** PASS, HIGH, LOW or NODATA. */
        @Exported
        public String getClassification() {
            return m.classification().name();
        }

        @Exported
        public boolean isCritical() {
            return m.critical();
        }

        @Exported
        public Double getBaselineMedian() {
            return m.baseline() == null ? null : m.baseline().median();
        }

        @Exported
        public Double getCanaryMedian() {
            return m.canary() == null ? null : m.canary().median();
        }

        @Exported
        public Integer getBaselinePoints() {
            return m.baseline() == null ? null : m.baseline().points();
        }

        @Exported
        public Integer getCanaryPoints() {
            return m.canary() == null ? null : m.canary().points();
        }

        /** The Mann-Whitney test's p-value; null when the metric was not tested. */
        @Exported
        public Double getPValue() {
            return m.test() == null ? null : m.test().pValue();
        }

        @Exported
        public String getReason() {
            return m.reason();
        }
    }
}
