package io.jenkins.plugins.immutable.actions;

import hudson.Extension;
import hudson.model.RootAction;
import io.jenkins.plugins.immutable.metrics.Bucket;
import io.jenkins.plugins.immutable.metrics.DeliveryMetrics;
import io.jenkins.plugins.immutable.metrics.DoraKeys;
import io.jenkins.plugins.immutable.metrics.DurationStats;
import io.jenkins.plugins.immutable.metrics.EnvironmentMetrics;
import io.jenkins.plugins.immutable.metrics.Figures;
import io.jenkins.plugins.immutable.metrics.LiveImage;
import io.jenkins.plugins.immutable.metrics.MetricsJson;
import io.jenkins.plugins.immutable.metrics.OpenMetrics;
import io.jenkins.plugins.immutable.metrics.VersionShare;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jenkins.model.Jenkins;
import net.sf.json.JSONArray;
import net.sf.json.JSONObject;
import org.kohsuke.stapler.HttpResponse;
import org.kohsuke.stapler.HttpResponses;
import org.kohsuke.stapler.StaplerProxy;
import org.kohsuke.stapler.StaplerRequest2;
import org.kohsuke.stapler.StaplerResponse2;
import org.kohsuke.stapler.verb.GET;
import org.kohsuke.stapler.verb.POST;

/**
 * The Delivery page at the root: how delivery went over the last days, from the ledgers (success rate, time to roll
 * back, canary pass rate, drift incidents, time to recover), the four keys in production, what the live images carry
 * (provenance coverage, vulnerability density), charts over time, and which digest runs where. Its data is
 * also at {@code delivery/metrics.json} and, for Prometheus, {@code delivery/metrics} (OpenMetrics). Read permission.
 */
@Extension
public final class DeliveryAction implements RootAction, StaplerProxy {

    static final int DEFAULT_DAYS = 30;
    private static final List<Integer> WINDOWS = List.of(7, 30, 90);

    @Override
    public String getIconFileName() {
        return Jenkins.get().hasPermission(Jenkins.READ) ? "symbol-analytics" : null;
    }

    @Override
    public String getDisplayName() {
        return Messages.DeliveryAction_DisplayName();
    }

    @Override
    public String getUrlName() {
        return "delivery";
    }

    @Override
    public Object getTarget() {
        Jenkins.get().checkPermission(Jenkins.READ);
        return this;
    }

    /** The window the request asks for ({@code ?days=7|30|90}), else 30 days. */
    public int getDays() {
        StaplerRequest2 req = org.kohsuke.stapler.Stapler.getCurrentRequest2();
        String asked = req == null ? null : req.getParameter("days");
        try {
            int days = asked == null ? DEFAULT_DAYS : Integer.parseInt(asked);
            return WINDOWS.contains(days) ? days : DEFAULT_DAYS;
        } catch (NumberFormatException e) {
            return DEFAULT_DAYS;
        }
    }

    public List<Integer> getWindows() {
        return WINDOWS;
    }

    private DeliverySnapshots.Snapshot snapshot() {
        return DeliverySnapshots.get(getDays());
    }

    /** True while the first measurement runs: the page reloads itself until it is there. */
    public boolean isReading() {
        return snapshot() == null;
    }

    /** Why there are no metrics (no environments, a broken ledger, an unreachable registry), or null. */
    public String getProblem() {
        DeliverySnapshots.Snapshot s = snapshot();
        return s == null ? null : s.problem();
    }

    public DeliveryMetrics getMetrics() {
        DeliverySnapshots.Snapshot s = snapshot();
        return s == null ? null : s.metrics();
    }

    /** One row per environment in promotion order, then the overall row. */
    public List<Row> getRows() {
        DeliveryMetrics m = getMetrics();
        if (m == null) {
            return List.of();
        }
        List<Row> rows = new ArrayList<>();
        for (EnvironmentMetrics e : m.environments()) {
            rows.add(new Row(e.environment(), e.figures(), e.live()));
        }
        rows.add(new Row(Messages.DeliveryAction_Overall(), m.overall(), null));
        return rows;
    }

    /**
     * The four keys, read in production (the promotion graph's leaves taken together): one line each, label then
     * figure; empty without metrics.
     */
    public Map<String, String> getFourKeys() {
        DeliveryMetrics m = getMetrics();
        Map<String, String> keys = new LinkedHashMap<>();
        if (m == null || m.dora() == null) {
            return keys;
        }
        DoraKeys d = m.dora();
        keys.put(Messages.DeliveryAction_DeploymentFrequency(), d.deploymentsPerDay() == null ? "\u2014"
                : Messages.DeliveryAction_PerDay(String.format(Locale.ROOT, "%.2f", d.deploymentsPerDay())));
        keys.put(Messages.DeliveryAction_LeadTime(), duration(d.leadTime()));
        keys.put(Messages.DeliveryAction_ChangeFailureRate(), percent(d.changeFailureRate()));
        keys.put(Messages.DeliveryAction_TimeToRestore(), duration(d.timeToRestore()));
        return keys;
    }

    /** Where the four keys are read: "prod", or "prod, prod-acme" for a graph with variants of production. */
    public String getProduction() {
        DeliveryMetrics m = getMetrics();
        return m == null || m.dora() == null ? null : String.join(", ", m.dora().environments());
    }

    /**
     * What the live images carry now: M6, the share of live digests with verified provenance; M7, the weighted
     * findings per scanned live digest. Label then figure, or why it is not measured.
     */
    public Map<String, String> getLiveImages() {
        DeliveryMetrics m = getMetrics();
        Map<String, String> fleet = new LinkedHashMap<>();
        if (m == null) {
            return fleet;
        }
        if (!m.attestationsChecked()) {
            fleet.put(Messages.DeliveryAction_ProvenanceCoverage(), Messages.DeliveryAction_NoTrustedKeys());
            fleet.put(Messages.DeliveryAction_VulnerabilityDensity(), Messages.DeliveryAction_NoTrustedKeys());
        } else {
            fleet.put(Messages.DeliveryAction_ProvenanceCoverage(), Messages.DeliveryAction_Coverage(
                    percent(m.provenanceCoverage()), m.liveDigestsWithProvenance(), m.liveDigests()));
            fleet.put(Messages.DeliveryAction_VulnerabilityDensity(), m.vulnerabilityDensity() == null
                    ? Messages.DeliveryAction_NoneScanned(m.liveDigests())
                    : Messages.DeliveryAction_Density(String.format(Locale.ROOT, "%.1f", m.vulnerabilityDensity()),
                            m.liveDigestsScanned()));
        }
        return fleet;
    }

    /** Which digest is live where, and since when. */
    public List<VersionShare> getVersions() {
        DeliveryMetrics m = getMetrics();
        return m == null ? List.of() : m.versions();
    }

    /** The charts, by title: each an ECharts option as JSON, drawn by the page's script. */
    public Map<String, String> getCharts() {
        DeliveryMetrics m = getMetrics();
        Map<String, String> charts = new LinkedHashMap<>();
        if (m == null || m.series().isEmpty()) {
            return charts;
        }
        JSONArray labels = new JSONArray();
        for (Bucket b : m.series()) {
            labels.add(b.window().from().toString().substring(0, 10));
        }
        JSONArray bars = new JSONArray();
        for (EnvironmentMetrics e : m.environments()) {
            JSONArray data = new JSONArray();
            for (Bucket b : m.series()) {
                Figures f = b.environments().get(e.environment());
                data.add(f == null ? 0 : f.deployed());
            }
            bars.add(new JSONObject().element("name", e.environment()).element("type", "bar").element("stack", "d")
                    .element("data", data));
        }
        charts.put(Messages.DeliveryAction_ChartDeployments(), option(labels, bars, null));
        JSONArray lines = new JSONArray();
        lines.add(line(Messages.DeliveryAction_SuccessRate(), m, b -> b.overall().deploymentSuccessRate()));
        lines.add(line(Messages.DeliveryAction_CanaryPassRate(), m, b -> b.overall().canaryPassRate()));
        lines.add(line(Messages.DeliveryAction_ChangeFailureRate(), m, b -> b.overall().changeFailureRate()));
        charts.put(Messages.DeliveryAction_ChartRates(), option(labels, lines, 100));
        return charts;
    }

    private static JSONObject line(String name, DeliveryMetrics m, java.util.function.Function<Bucket, Double> rate) {
        JSONArray data = new JSONArray();
        for (Bucket b : m.series()) {
            Double r = rate.apply(b);
            data.add(r == null ? "-" : Math.round(r * 1000) / 10.0);
        }
        return new JSONObject().element("name", name).element("type", "line").element("connectNulls", true)
                .element("data", data);
    }

    private static String option(JSONArray labels, JSONArray series, Integer max) {
        JSONObject yAxis = new JSONObject().element("type", "value");
        if (max != null) {
            yAxis.element("max", max);
        }
        return new JSONObject()
                .element("tooltip", new JSONObject().element("trigger", "axis"))
                .element("legend", new JSONObject())
                .element("grid", new JSONObject().element("left", 40).element("right", 20).element("bottom", 30))
                .element("xAxis", new JSONObject().element("type", "category").element("data", labels))
                .element("yAxis", yAxis)
                .element("series", series)
                .toString();
    }

    /** The metrics as JSON (the engine's format, as {@code immutable metrics --json} prints it). */
    @GET
    public void doMetricsJson(StaplerRequest2 req, StaplerResponse2 rsp) throws IOException {
        DeliveryMetrics m = getMetrics();
        if (m == null) {
            rsp.sendError(503, getProblem() == null ? Messages.DeliveryAction_Reading() : getProblem());
            return;
        }
        write(rsp, "application/json;charset=UTF-8", MetricsJson.write(m));
    }

    /** The metrics in OpenMetrics' text format, for Prometheus to scrape. */
    @GET
    public void doMetrics(StaplerRequest2 req, StaplerResponse2 rsp) throws IOException {
        DeliveryMetrics m = getMetrics();
        if (m == null) {
            rsp.sendError(503, getProblem() == null ? Messages.DeliveryAction_Reading() : getProblem());
            return;
        }
        write(rsp, OpenMetrics.CONTENT_TYPE, OpenMetrics.write(m));
    }

    private static void write(StaplerResponse2 rsp, String type, String body) throws IOException {
        rsp.setContentType(type);
        rsp.setCharacterEncoding(StandardCharsets.UTF_8.name());
        try (PrintWriter w = rsp.getWriter()) {
            w.write(body);
        }
    }

    /** Measures again (in the background). */
    @POST
    public HttpResponse doRefresh() {
        Jenkins.get().checkPermission(Jenkins.READ);
        DeliverySnapshots.refresh(getDays());
        return HttpResponses.redirectTo(".?days=" + getDays());
    }

    /** A percentage for the page, or an em dash when there is nothing to divide. */
    static String percent(Double ratio) {
        return ratio == null ? "\u2014" : String.format(Locale.ROOT, "%.1f%%", ratio * 100);
    }

    /** A duration for people (42 s, 3.5 min, 2.1 h, 1.5 d), or an em dash. */
    static String duration(DurationStats stats) {
        if (stats == null || stats.medianSeconds() == null) {
            return "\u2014";
        }
        double s = stats.medianSeconds();
        if (s < 120) {
            return String.format(Locale.ROOT, "%.0f s", s);
        }
        if (s < 7200) {
            return String.format(Locale.ROOT, "%.1f min", s / 60);
        }
        if (s < 172800) {
            return String.format(Locale.ROOT, "%.1f h", s / 3600);
        }
        return String.format(Locale.ROOT, "%.1f d", s / 86400);
    }

    /** One environment's figures as the page shows them. */
    public static final class Row {
        private static final Pattern RUN_URL = Pattern.compile("(.*/job/[^/]+/)\\d+/?");
        private final String name;
        private final Figures f;
        private final LiveImage live;

        Row(String name, Figures f, LiveImage live) {
            this.name = name;
            this.f = f;
            this.live = live;
        }

        public String getName() {
            return name;
        }

        public int getPromotions() {
            return f.promotions();
        }

        public String getSuccessRate() {
            return percent(f.deploymentSuccessRate());
        }

        public int getRollbacks() {
            return f.rollbacks();
        }

        public String getTimeToRollback() {
            return duration(f.timeToRollback());
        }

        public String getCanaryPassRate() {
            return f.canaries() == 0 ? "\u2014" : percent(f.canaryPassRate()) + " (" + f.canariesPassed() + "/"
                    + f.canaries() + ")";
        }

        /** M4: drift incidents begun in the window, with their time to clean; a dash when no drift check is recorded. */
        public String getDriftIncidents() {
            return f.driftIncidents() == null ? "\u2014" : f.driftIncidents() + (f.timeToClean().count() == 0 ? ""
                    : " (" + duration(f.timeToClean()) + " to clean)");
        }

        public String getTimeToRecovery() {
            return duration(f.timeToRecovery());
        }

        public String getDeploymentsPerDay() {
            return f.deploymentsPerDay() == null ? "\u2014" : String.format(Locale.ROOT, "%.2f", f.deploymentsPerDay());
        }

        public String getLeadTime() {
            return duration(f.leadTime());
        }

        public String getChangeFailureRate() {
            return percent(f.changeFailureRate());
        }

        public String getLive() {
            return live == null || live.digest() == null ? null : live.digest().shortForm();
        }

        public String getLiveSince() {
            return live == null || live.since() == null ? null : live.since().toString();
        }

        /**
         * The Environments page of the job whose run made the live digest live ({@code .../job/release/12/} gives
         * {@code .../job/release/immutable-environments/}); null when it was not a Jenkins run.
         */
        public String getEnvironmentsPage() {
            String run = getLiveRun();
            if (run == null) {
                return null;
            }
            Matcher m = RUN_URL.matcher(run);
            return m.matches() ? m.group(1) + "immutable-environments/" : null;
        }

        /** The run that made the live digest live, when it was a Jenkins run. */
        public String getLiveRun() {
            return live == null || live.run() == null || !live.run().startsWith("http") ? null : live.run();
        }
    }
}
