package io.jenkins.plugins.immutable.retention;

import hudson.Extension;
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

/**
 * Jenkins' own prune, every {@code retention.interval} of the global configuration (never when it is empty). Each run
 * plans and applies retention over every configured environment with Jenkins' global credentials, and writes what it
 * deleted and why to its task log ({@code logs/tasks/Immutable delivery retention.log}) and to the plugin's logger.
 */
@Extension
public final class RetentionTask extends AsyncPeriodicWork {

    private static final Logger LOG = Logger.getLogger(RetentionTask.class.getName());

    /** How often the task wakes to see whether an interval has passed; intervals shorter than this round up. */
    private static final long TICK = TimeUnit.MINUTES.toMillis(5);

    private volatile Instant lastRun = Instant.now();
    private volatile String lastOutcome;

    public RetentionTask() {
        super("Immutable delivery retention");
    }

    @Override
    public long getRecurrencePeriod() {
        return TICK;
    }

    /** What the last run did, for people; null before the first. */
    public String getLastOutcome() {
        return lastOutcome;
    }

    @Override
    protected void execute(TaskListener listener) {
        DeliveryConfig config;
        try {
            config = ImmutableDeliveryConfiguration.get().toDeliveryConfig();
        } catch (EngineException e) {
            listener.getLogger().println("Retention skipped: the configuration is not valid: " + e.getMessage());
            return;
        }
        if (config.retention().interval() == null || config.environments().isEmpty()) {
            return;
        }
        Duration interval = Durations.parse(config.retention().interval());
        if (Instant.now().isBefore(lastRun.plus(interval))) {
            return;
        }
        lastRun = Instant.now();
        lastOutcome = prune(config, listener);
    }

    /** Plans and applies retention; returns a one-line outcome. Never throws: a failure is logged and reported. */
    static String prune(DeliveryConfig config, TaskListener listener) {
        Wiring.Builder b = JenkinsWiring.builder(config, JenkinsCredentials.forSystem())
                .listener(line -> listener.getLogger().println(line));
        try (Wiring w = b.build()) {
            List<LedgerLocation> where = config.environments().stream().map(EnvironmentConfig::name)
                    .map(w::ledgerLocation).toList();
            Pruner pruner = new Pruner(w.registry(), w.ledger(), Clock.systemUTC(), w.listener());
            RetentionPlan plan = pruner.plan(where, config.retention().policy());
            listener.getLogger().print(plan.describe());
            if (plan.deletesNothing()) {
                return "nothing to delete, " + plan.kept().size() + " kept";
            }
            PruneResult result = pruner.apply(plan);
            String outcome = "deleted " + result.deleted().size() + ", " + plan.kept().size() + " kept";
            listener.getLogger().println(outcome);
            LOG.info(() -> "retention " + outcome);
            return outcome;
        } catch (EngineException e) {
            listener.getLogger().println("Retention failed (" + e.kind() + "): " + e.getMessage());
            LOG.log(Level.WARNING, "retention failed: {0}", e.getMessage());
            return "failed: " + e.getMessage();
        }
    }
}
