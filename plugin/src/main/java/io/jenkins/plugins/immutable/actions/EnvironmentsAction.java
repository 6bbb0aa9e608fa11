package io.jenkins.plugins.immutable.actions;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.Extension;
import hudson.model.Action;
import hudson.model.Api;
import hudson.model.Item;
import hudson.model.Job;
import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.ProgressListener;
import io.jenkins.plugins.immutable.config.DeliveryConfig;
import io.jenkins.plugins.immutable.config.DeliveryPermissions;
import io.jenkins.plugins.immutable.config.EnvironmentConfig;
import io.jenkins.plugins.immutable.config.GatesConfig;
import io.jenkins.plugins.immutable.config.ImmutableDeliveryConfiguration;
import io.jenkins.plugins.immutable.config.JenkinsCredentials;
import io.jenkins.plugins.immutable.config.JenkinsWiring;
import io.jenkins.plugins.immutable.config.Wiring;
import io.jenkins.plugins.immutable.deploy.DriftReport;
import io.jenkins.plugins.immutable.freeze.FreezeState;
import io.jenkins.plugins.immutable.freeze.WindowState;
import io.jenkins.plugins.immutable.ledger.DriftRecord;
import io.jenkins.plugins.immutable.ledger.LedgerEntry;
import io.jenkins.plugins.immutable.ledger.LedgerHistory;
import io.jenkins.plugins.immutable.ledger.LedgerJournal;
import io.jenkins.plugins.immutable.ledger.LedgerLocation;
import io.jenkins.plugins.immutable.promote.DriftCheck;
import io.jenkins.plugins.immutable.promote.DriftChecks;
import io.jenkins.plugins.immutable.promote.PromotionGraph;
import io.jenkins.plugins.immutable.promote.Upstream;
import io.jenkins.plugins.immutable.rescan.EnvironmentRisk;
import io.jenkins.plugins.immutable.rescan.RescanReport;
import io.jenkins.plugins.immutable.rescan.RescanTask;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import jenkins.model.Jenkins;
import jenkins.model.TransientActionFactory;
import org.kohsuke.stapler.HttpResponse;
import org.kohsuke.stapler.HttpResponses;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.export.Exported;
import org.kohsuke.stapler.export.ExportedBean;
import org.kohsuke.stapler.verb.POST;

/**
 * A job's Environments page: for each configured environment, what is live (from its ledger in the registry), its
 * history, a deployment under way, and, on request, drift (does what runs match what the ledger says is live?).
 * Ledgers are read in the background, at most every 30 seconds per job ({@link EnvironmentSnapshots}); drift is
 * checked only when someone asks (it talks to the targets and routers), also in the background.
 */
@ExportedBean
public final class EnvironmentsAction implements Action {

    private static final int HISTORY = 25;

    private final Job<?, ?> job;

    EnvironmentsAction(Job<?, ?> job) {
        this.job = job;
    }

    @Override
    public String getIconFileName() {
        return "symbol-environment";
    }

    @Override
    public String getDisplayName() {
        return Messages.EnvironmentsAction_DisplayName();
    }

    @Override
    public String getUrlName() {
        return "immutable-environments";
    }

    public Job<?, ?> getJob() {
        return job;
    }

    /** {@code immutable-environments/api/json}: the rows below, for scripts and dashboards (job read permission). */
    public Api getApi() {
        return new Api(this);
    }

    /**
     * Each environment in promotion order, as its ledger says; empty while the first read of this job's ledgers runs
     * in the background (see {@link #isReading()}).
     */
    @Exported(inline = true)
    public List<EnvironmentRow> getEnvironments() {
        String key = job.getFullName();
        List<EnvironmentRow> rows = EnvironmentSnapshots.rows(key);
        if (rows == null) {
            return List.of();
        }
        Map<String, DriftRow> drift = EnvironmentSnapshots.drift(key);
        RescanReport rescan = RescanTask.get().getLastReport();
        List<EnvironmentRow> withDrift = new ArrayList<>();
        for (EnvironmentRow r : rows) {
            // a check run from this page since the ledgers were read; else the ledger's last recorded one
            DriftRow checked = drift.get(r.name);
            withDrift.add((checked == null ? r : r.withDrift(checked)).rescanned(riskOf(rescan, r)));
        }
        return withDrift;
    }

    /** What the last periodic re-scan found for the row's environment and repository; null when it was not there. */
    private static EnvironmentRisk riskOf(RescanReport report, EnvironmentRow row) {
        if (report == null) {
            return null;
        }
        return report.environments().stream().filter(e -> e.environment().equals(row.name)
                && (e.repository() == null || e.repository().toString().equals(row.repository)))
                .findFirst().orElse(null);
    }

    /** When the last periodic re-scan finished, for the column's heading; null before the first. */
    public String getRescanned() {
        RescanReport report = RescanTask.get().getLastReport();
        return report == null ? null : report.finished().toString();
    }

    /**
     * One line of the last {@value DeliveryAction#DEFAULT_DAYS} days' delivery (all environments), linking to the
     * Delivery page; null while it is measured or when it cannot be.
     */
    public String getDeliverySummary() {
        DeliverySnapshots.Snapshot s = DeliverySnapshots.get(DeliveryAction.DEFAULT_DAYS);
        if (s == null || s.metrics() == null) {
            return null;
        }
        io.jenkins.plugins.immutable.metrics.Figures f = s.metrics().overall();
        return Messages.EnvironmentsAction_DeliverySummary(DeliveryAction.DEFAULT_DAYS, f.promotions(),
                DeliveryAction.percent(f.deploymentSuccessRate()), f.rollbacks(),
                DeliveryAction.duration(f.timeToRecovery()));
    }

    /** True while the ledgers are read for the first time or a drift check runs: the page reloads itself then. */
    public boolean isReading() {
        String key = job.getFullName();
        return EnvironmentSnapshots.rows(key) == null || EnvironmentSnapshots.checkingDrift(key);
    }

    /** Reads the ledgers again (in the background). */
    @POST
    public HttpResponse doRefresh() {
        job.checkPermission(Item.READ);
        EnvironmentSnapshots.refresh(job.getFullName());
        return HttpResponses.redirectToDot();
    }

    /**
     * Compares what runs in each environment with its ledger's live digest (in the background), and records each
     * finding in the environment's ledger as a drift entry by this user when it changed (docs/metrics.md, M4).
     */
    @POST
    public HttpResponse doCheckDrift() {
        job.checkPermission(Item.BUILD);
        DeliveryConfig config;
        try {
            config = ImmutableDeliveryConfiguration.get().toDeliveryConfig();
        } catch (EngineException e) {
            return HttpResponses.errorWithoutStack(400, e.getMessage());
        }
        String actor = Jenkins.getAuthentication2().getName();
        String run = job.getAbsoluteUrl() + getUrlName() + "/";
        EnvironmentSnapshots.checkDrift(job.getFullName(), () -> {
            Map<String, DriftRow> results = new ConcurrentHashMap<>();
            try (Wiring w = wiring(config)) {
                DriftChecks checks = w.driftChecks().recordingAs(actor, run);
                for (EnvironmentConfig e : config.environments()) {
                    results.put(e.name(), drift(w, checks, e));
                }
            }
            return results;
        });
        return HttpResponses.redirectToDot();
    }

    private Wiring wiring(DeliveryConfig config) {
        return JenkinsWiring.builder(config, JenkinsCredentials.forItem(job)).listener(ProgressListener.NONE)
                .registryRetries(2, Duration.ofMillis(200)).build();
    }

    private static DriftRow drift(Wiring w, DriftChecks checks, EnvironmentConfig e) {
        long now = System.currentTimeMillis();
        try {
            DriftCheck check = checks.check(w.ledgerLocation(e.name()), w.target(e.name()), w.router(e.name()),
                    e.replicas());
            if (check.report() == null) {
                return new DriftRow(true, Messages.EnvironmentsAction_NothingLive(e.name()), List.of(), now);
            }
            List<String> differences = new ArrayList<>(check.report().differences().stream()
                    .map(DriftReport.Difference::toString).toList());
            if (check.recorded() != null) {
                differences.add(check.recorded().message());
            }
            return new DriftRow(check.clean(), check.report().summary(), differences, now);
        } catch (EngineException x) {
            return new DriftRow(false, x.getMessage(), List.of(), now);
        }
    }

    /** Reads every environment's ledger now (on a background thread: see {@link EnvironmentSnapshots}). */
    List<EnvironmentRow> read() {
        DeliveryConfig config;
        try {
            config = ImmutableDeliveryConfiguration.get().toDeliveryConfig();
        } catch (EngineException e) {
            return List.of(EnvironmentRow.problem("-", null, e.getMessage()));
        }
        List<EnvironmentRow> rows = new ArrayList<>();
        PromotionGraph graph = config.graph();
        try (Wiring w = wiring(config)) {
            // upstream before downstream (the graph's order; a plain list keeps its own)
            for (String name : graph.environments()) {
                EnvironmentConfig e = config.environment(name);
                rows.add(row(w, e).fedBy(graph.upstreams(name), graph.requires(name)).signedWith(e.ledgerKey()));
            }
        }
        return rows;
    }

    private static EnvironmentRow row(Wiring w, EnvironmentConfig e) {
        LedgerLocation where = w.ledgerLocation(e.name());
        try {
            LedgerHistory history = w.ledger().read(where);
            Optional<LedgerEntry> live = history.liveEntry();
            String deployment = null;
            if (history.deployment() != null) {
                // the record stays after the deployment ends; only one still under way belongs in this column
                deployment = new LedgerJournal(w.ledger(), where, ProgressListener.NONE).load(e.name())
                        .filter(d -> !d.phase().isFinished())
                        .map(d -> d.phase() + " " + d.strategy() + " of " + d.to().shortForm()
                                + (d.message() == null ? "" : ": " + d.message()))
                        .orElse(null);
            }
            List<EntryRow> entries = new ArrayList<>();
            List<LedgerEntry> all = history.entries();
            for (int i = all.size() - 1; i >= 0 && entries.size() < HISTORY; i--) {
                entries.add(new EntryRow(all.get(i)));
            }
            FreezeState freeze = FreezeState.of(history);
            GatesConfig.WindowsConfig windows = e.gates().windows();
            WindowState window = windows == null ? null : windows.toWindows().at(Instant.now());
            String promotions = freeze.frozen() ? freeze.describe()
                    : window != null && !window.open() ? window.why() : null;
            return new EnvironmentRow(e.name(), where.repository().toString(),
                    live.map(x -> x.digest().toString()).orElse(null),
                    live.map(x -> where.repository().digest(x.digest()).toString()).orElse(null),
                    live.map(x -> x.time().toString()).orElse(null), live.map(LedgerEntry::actor).orElse(null),
                    all.size(), deployment, entries, null, recordedDrift(history, live)).closed(freeze.frozen(),
                    promotions);
        } catch (EngineException x) {
            return EnvironmentRow.problem(e.name(), where.repository().toString(), x.getMessage());
        }
    }

    /**
     * The last drift check recorded in the ledger (by this page, {@code immutable drift} or another Jenkins), when it
     * was made against what is live now; null when none was, or a promotion or rollback came after it.
     */
    private static DriftRow recordedDrift(LedgerHistory history, Optional<LedgerEntry> live) {
        return history.lastObservation(io.jenkins.plugins.immutable.ledger.Action.DRIFT)
                .filter(o -> live.isPresent() && o.sequence() > live.get().sequence())
                .filter(o -> o.observation() instanceof DriftRecord)
                .map(o -> {
                    DriftRecord d = (DriftRecord) o.observation();
                    return new DriftRow(d.clean(), Messages.EnvironmentsAction_DriftRecorded(d.summary(), o.time(),
                            o.actor()), d.differences().stream().map(x -> x.subject() + ": " + x.detail()).toList(),
                            o.time().toEpochMilli());
                })
                .orElse(null);
    }

    /**
     * Freezes (or, with {@code unfreeze=true}, unfreezes) an environment with a reason, recorded in its ledger as this
     * user; needs the Freeze permission on the job.
     */
    @POST
    public HttpResponse doFreeze(@QueryParameter String environment, @QueryParameter String reason,
            @QueryParameter boolean unfreeze) {
        job.checkPermission(DeliveryPermissions.FREEZE);
        DeliveryConfig config;
        try {
            config = ImmutableDeliveryConfiguration.get().toDeliveryConfig();
            config.environment(environment);
        } catch (EngineException e) {
            return HttpResponses.errorWithoutStack(400, e.getMessage());
        }
        String actor = Jenkins.getAuthentication2().getName();
        try (Wiring w = wiring(config)) {
            if (unfreeze) {
                w.freezes().unfreeze(environment, actor, null, reason);
            } else {
                w.freezes().freeze(environment, actor, null, reason);
            }
        } catch (EngineException e) {
            return HttpResponses.errorWithoutStack(e.kind() == EngineException.Kind.BAD_INPUT ? 400 : 503,
                    e.getMessage());
        }
        EnvironmentSnapshots.refresh(job.getFullName());
        return HttpResponses.redirectToDot();
    }

    /** Whether the user may freeze and unfreeze environments here (the page shows the forms only then). */
    public boolean isFreezeAllowed() {
        return job.hasPermission(DeliveryPermissions.FREEZE);
    }

    /** One environment on the page and in the REST API. */
    @ExportedBean(defaultVisibility = 2)
    public static final class EnvironmentRow {

        private final String name;
        private final String repository;
        private final String live;
        private final String liveReference;
        private final String since;
        private final String by;
        private final int entries;
        private final String deployment;
        private final List<EntryRow> history;
        private final String problem;
        private final DriftRow drift;

        EnvironmentRow(String name, String repository, String live, String liveReference, String since, String by,
                int entries, String deployment, List<EntryRow> history, String problem, DriftRow drift) {
            this.name = name;
            this.repository = repository;
            this.live = live;
            this.liveReference = liveReference;
            this.since = since;
            this.by = by;
            this.entries = entries;
            this.deployment = deployment;
            this.history = history;
            this.problem = problem;
            this.drift = drift;
        }

        static EnvironmentRow problem(String name, String repository, String problem) {
            return new EnvironmentRow(name, repository, null, null, null, null, 0, null, List.of(), problem, null);
        }

        EnvironmentRow withDrift(DriftRow d) {
            return new EnvironmentRow(name, repository, live, liveReference, since, by, entries, deployment, history,
                    problem, d).closed(frozen, promotionsClosed).fedBy(upstream, requires).signedWith(ledgerKey);
        }

        private boolean frozen;
        private String promotionsClosed;
        private EnvironmentRisk risk;
        private List<String> upstream = List.of();
        private Upstream.Requires requires = Upstream.Requires.ALL;

        EnvironmentRow fedBy(List<String> environments, Upstream.Requires how) {
            this.upstream = List.copyOf(environments);
            this.requires = how;
            return this;
        }

        private String ledgerKey;

        EnvironmentRow signedWith(String key) {
            this.ledgerKey = key;
            return this;
        }

        /**
         * The id of the trusted key every version of its ledger must be signed with (the ledger was read, so they
         * are); null for an unsigned ledger, protected by its hash chain and Jenkins' anchors only.
         */
        @Exported
        public String getLedgerKey() {
            return ledgerKey;
        }

        /** The environments it takes digests from, in the promotion graph; empty for one fed by builds. */
        @Exported
        public List<String> getUpstream() {
            return upstream;
        }

        /** {@code all} or {@code any}: whether a digest must have come through every upstream environment. */
        @Exported
        public String getRequires() {
            return requires.toString();
        }

        /** "from staging", "from staging and perf", "from staging or hotfix", "from builds". */
        public String getFrom() {
            if (upstream.isEmpty()) {
                return Messages.EnvironmentsAction_FromBuilds();
            }
            String last = upstream.get(upstream.size() - 1);
            if (upstream.size() == 1) {
                return Messages.EnvironmentsAction_From(last);
            }
            String rest = String.join(", ", upstream.subList(0, upstream.size() - 1));
            return requires == Upstream.Requires.ANY ? Messages.EnvironmentsAction_FromAny(rest, last)
                    : Messages.EnvironmentsAction_FromAll(rest, last);
        }

        EnvironmentRow rescanned(EnvironmentRisk r) {
            this.risk = r;
            return this;
        }

        /**
         * How its live digest stood at the last periodic re-scan against the vulnerability database of that day:
         * {@code AT_RISK}, {@code PASSING}, {@code UNKNOWN} (it could not be scanned), {@code NOTHING_LIVE}; null when
         * it was not re-scanned (no re-scan yet, or Jenkins' configuration does not have this environment).
         */
        @Exported
        public String getRescan() {
            return risk == null ? null : risk.status().name();
        }

        /** True when the live digest fails its scan policy today. */
        @Exported
        public boolean isAtRisk() {
            return risk != null && risk.atRisk();
        }

        /** The re-scan's line for people: what is wrong and what to do, or that all is well. */
        @Exported
        public String getRescanMessage() {
            return risk == null ? null : risk.message();
        }

        EnvironmentRow closed(boolean isFrozen, String why) {
            this.frozen = isFrozen;
            this.promotionsClosed = why;
            return this;
        }

        /** True while a freeze is in force. */
        @Exported
        public boolean isFrozen() {
            return frozen;
        }

        /** Why promotions into it are refused now (the freeze, or the window and when it opens); null when open. */
        @Exported
        public String getPromotionsClosed() {
            return promotionsClosed;
        }

        @Exported
        public String getName() {
            return name;
        }

        @Exported
        public String getRepository() {
            return repository;
        }

        /** The live digest, {@code sha256:...}, or null when nothing is live. */
        @Exported
        public String getLive() {
            return live;
        }

        @Exported
        public String getLiveReference() {
            return liveReference;
        }

        @Exported
        public String getSince() {
            return since;
        }

        @Exported
        public String getBy() {
            return by;
        }

        @Exported
        public int getEntries() {
            return entries;
        }

        /** A deployment under way (phase, strategy, digest), or null. */
        @Exported
        public String getDeployment() {
            return deployment;
        }

        @Exported(inline = true)
        public List<EntryRow> getHistory() {
            return history;
        }

        /** Why the ledger could not be read, or null. */
        @Exported
        public String getProblem() {
            return problem;
        }

        @Exported(inline = true)
        public DriftRow getDrift() {
            return drift;
        }
    }

    /** One ledger entry. */
    @ExportedBean(defaultVisibility = 3)
    public static final class EntryRow {

        private final LedgerEntry e;

        EntryRow(LedgerEntry e) {
            this.e = e;
        }

        @Exported
        public int getSequence() {
            return e.sequence();
        }

        @Exported
        public String getAction() {
            return e.action().name();
        }

        /** The digest deployed; null for a freeze or an unfreeze, which name none. */
        @Exported
        public String getDigest() {
            return e.digest() == null ? null : e.digest().toString();
        }

        public String getShortDigest() {
            return e.digest() == null ? "" : e.digest().shortForm();
        }

        @Exported
        public String getOutcome() {
            return e.outcome().name();
        }

        @Exported
        public String getActor() {
            return e.actor();
        }

        /** The run that did it, as recorded (a Jenkins run's URL, a CLI invocation). */
        @Exported
        public String getRun() {
            return e.run();
        }

        /** The run as a link, only when it is a web address. */
        public String getRunLink() {
            String r = e.run();
            return r != null && (r.startsWith("https://") || r.startsWith("http://")) ? r : null;
        }

        @Exported
        public String getTime() {
            return e.time().toString();
        }

        @Exported
        public String getReason() {
            return e.reason();
        }

        @Exported
        public boolean isForced() {
            return e.forced();
        }

        /**
         * What a recorded re-scan or drift check found (they change nothing the environment may do); null for the
         * entries that decide (promotions, rollbacks, freezes).
         */
        @Exported
        public String getObservation() {
            return e.observation() == null ? null : e.observation().summary();
        }
    }

    /** The last drift check of an environment. */
    @ExportedBean(defaultVisibility = 3)
    public static final class DriftRow {

        private final boolean clean;
        private final String summary;
        private final List<String> differences;
        private final long checked;

        DriftRow(boolean clean, String summary, List<String> differences, long checked) {
            this.clean = clean;
            this.summary = summary;
            this.differences = differences;
            this.checked = checked;
        }

        @Exported
        public boolean isClean() {
            return clean;
        }

        @Exported
        public String getSummary() {
            return summary;
        }

        @Exported
        public List<String> getDifferences() {
            return differences;
        }

        @Exported
        public long getChecked() {
            return checked;
        }
    }

    /** Adds the page to every job while environments are configured. */
    @Extension
    public static final class Factory extends TransientActionFactory<Job> {

        @Override
        public Class<Job> type() {
            return Job.class;
        }

        @NonNull
        @Override
        public Collection<? extends Action> createFor(@NonNull Job target) {
            return ImmutableDeliveryConfiguration.get().getEnvironments().isEmpty() ? List.of()
                    : List.of(new EnvironmentsAction(target));
        }
    }
}
