package io.jenkins.plugins.immutable.rescan;

import hudson.Extension;
import hudson.ExtensionList;
import hudson.model.AsyncPeriodicWork;
import hudson.model.TaskListener;
import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.config.DeliveryConfig;
import io.jenkins.plugins.immutable.config.Durations;
import io.jenkins.plugins.immutable.config.EnvironmentConfig;
import io.jenkins.plugins.immutable.config.ImmutableDeliveryConfiguration;
import io.jenkins.plugins.immutable.config.JenkinsCredentials;
import io.jenkins.plugins.immutable.config.JenkinsWiring;
import io.jenkins.plugins.immutable.config.Wiring;
import io.jenkins.plugins.immutable.ledger.LedgerLocation;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import jenkins.model.Jenkins;

/**
 * Jenkins' continuous re-scan, every {@code rescanInterval} of the global scan settings (never when it is empty):
 * every live, retained and rollback-candidate digest of the configured environments is scanned again against the
 * current vulnerability database on the controller, shared layers read once. The last report feeds the administrative
 * monitor ({@link AtRiskMonitor}); the task log ({@code logs/tasks/Immutable delivery re-scan.log}) has the details.
 * Each environment's result is recorded in its ledger as a {@code rescan} entry by {@link #ACTOR} when it changed since
 * the last one recorded there (or that one is a week old).
 */
@Extension
public final class RescanTask extends AsyncPeriodicWork {

    private static final Logger LOG = Logger.getLogger(RescanTask.class.getName());
    private static final long TICK = TimeUnit.MINUTES.toMillis(5);

    /** Who the ledgers name as having run the periodic re-scan. */
    static final String ACTOR = "SYSTEM (Jenkins periodic re-scan)";

    private volatile Instant lastRun = Instant.now();
    private volatile RescanReport lastReport;
    private volatile String lastProblem;

    public RescanTask() {
        super("Immutable delivery re-scan");
    }

    public static RescanTask get() {
        return ExtensionList.lookupSingleton(RescanTask.class);
    }

    @Override
    public long getRecurrencePeriod() {
        return TICK;
    }

    /** The last re-scan's report; null before the first or when it failed. */
    public RescanReport getLastReport() {
        return lastReport;
    }

    /** Why the last re-scan could not run; null when it ran. */
    public String getLastProblem() {
        return lastProblem;
    }

    @Override
    protected void execute(TaskListener listener) {
        DeliveryConfig config;
        String interval;
        try {
            config = ImmutableDeliveryConfiguration.get().toDeliveryConfig();
            interval = ImmutableDeliveryConfiguration.get().getScan() == null ? null
                    : ImmutableDeliveryConfiguration.get().getScan().getRescanInterval();
        } catch (EngineException e) {
            listener.getLogger().println("Re-scan skipped: the configuration is not valid: " + e.getMessage());
            return;
        }
        if (interval == null || config.environments().isEmpty()) {
            return;
        }
        if (Instant.now().isBefore(lastRun.plus(Durations.parse(interval)))) {
            return;
        }
        lastRun = Instant.now();
        rescan(config, listener);
    }

    /** Re-scans now; keeps the report for the monitor. Never throws: a failure is logged and kept as the problem. */
    void rescan(DeliveryConfig config, TaskListener listener) {
        Wiring.Builder b = JenkinsWiring.builder(config, JenkinsCredentials.forSystem())
                .listener(line -> listener.getLogger().println(line));
        try (Wiring w = b.build()) {
            List<LedgerLocation> where = config.environments().stream().map(EnvironmentConfig::name)
                    .map(w::ledgerLocation).toList();
            RescanReport report = new Rescanner(w.registry(), w.ledger(), Clock.systemUTC(), w.listener())
                    .recordingAs(ACTOR, Jenkins.get().getRootUrl())
                    .rescan(where, w.scanner(), w.scanPolicy(), config.retention().keepLastGood(), null);
            listener.getLogger().println(report.summary());
            lastReport = report;
            lastProblem = null;
            if (report.atRisk()) {
                LOG.warning(() -> "re-scan: " + report.summary());
            }
        } catch (EngineException e) {
            listener.getLogger().println("Re-scan failed (" + e.kind() + "): " + e.getMessage());
            LOG.log(Level.WARNING, "re-scan failed: {0}", e.getMessage());
            lastProblem = e.getMessage();
        }
    }

    /** For the monitor's message: how long ago the last re-scan ran. */
    Duration sinceLastRun() {
        return Duration.between(lastRun, Instant.now());
    }
}
