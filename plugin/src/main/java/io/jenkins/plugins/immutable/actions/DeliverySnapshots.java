package io.jenkins.plugins.immutable.actions;

import com.github.benmanes.caffeine.cache.AsyncLoadingCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import hudson.util.DaemonThreadFactory;
import hudson.util.NamingThreadFactory;
import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.ProgressListener;
import io.jenkins.plugins.immutable.config.DeliveryConfig;
import io.jenkins.plugins.immutable.config.ImmutableDeliveryConfiguration;
import io.jenkins.plugins.immutable.config.JenkinsCredentials;
import io.jenkins.plugins.immutable.config.JenkinsWiring;
import io.jenkins.plugins.immutable.config.Wiring;
import io.jenkins.plugins.immutable.metrics.DeliveryMeter;
import io.jenkins.plugins.immutable.metrics.DeliveryMetrics;
import io.jenkins.plugins.immutable.metrics.Granularity;
import io.jenkins.plugins.immutable.metrics.Window;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The delivery metrics the Delivery page shows, measured from the ledgers on one background thread, never on a request
 * thread. One meter is kept while the configuration stays the same: it remembers what it read, so a refresh reads only
 * the ledger versions written since.
 */
final class DeliverySnapshots {

    private static final Logger LOG = Logger.getLogger(DeliverySnapshots.class.getName());

    static final Duration FRESH = Duration.ofMinutes(1);

    private static final ExecutorService READER = new ThreadPoolExecutor(0, 1, 60, TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(), new NamingThreadFactory(new DaemonThreadFactory(),
                    "immutable-delivery metrics"));

    /** Keyed by the window's length in days. */
    private static final AsyncLoadingCache<Integer, Snapshot> METRICS = Caffeine.newBuilder().maximumSize(8)
            .refreshAfterWrite(FRESH).expireAfterAccess(Duration.ofHours(1)).executor(READER)
            .buildAsync(DeliverySnapshots::measure);

    private static Meter meter;

    private DeliverySnapshots() {
    }

    /** What a measurement gave: the metrics, or why there are none. */
    record Snapshot(DeliveryMetrics metrics, String problem) {
    }

    /** The wiring and the meter for one configuration; replaced when the configuration changes. */
    private record Meter(DeliveryConfig config, Wiring wiring, DeliveryMeter meter) {
    }

    /** The metrics of the last {@code days} days if measured (possibly while a newer measurement runs), else null. */
    static Snapshot get(int days) {
        return METRICS.get(days).getNow(null);
    }

    /** Measures again in the background. */
    static void refresh(int days) {
        METRICS.synchronous().refresh(days);
    }

    private static Snapshot measure(int days) {
        DeliveryConfig config;
        try {
            config = ImmutableDeliveryConfiguration.get().toDeliveryConfig();
        } catch (EngineException e) {
            return new Snapshot(null, e.getMessage());
        }
        if (config.environments().isEmpty()) {
            return new Snapshot(null, Messages.DeliveryAction_NoEnvironments());
        }
        try {
            Meter m = meterFor(config);
            List<io.jenkins.plugins.immutable.ledger.LedgerLocation> where = config.graph().environments().stream()
                    .map(m.wiring()::ledgerLocation).toList();
            Window window = Window.last(Duration.ofDays(days), Instant.now());
            // the four keys are measured where digests end: the graph's leaves (prod and prod-acme, say)
            return new Snapshot(m.meter().measure(where, config.graph().leaves(), window,
                    Granularity.suitedTo(window)), null);
        } catch (EngineException e) {
            LOG.log(Level.WARNING, "delivery metrics could not be measured: {0}", e.getMessage());
            return new Snapshot(null, e.getMessage());
        }
    }

    private static synchronized Meter meterFor(DeliveryConfig config) {
        if (meter != null && meter.config().equals(config)) {
            return meter;
        }
        if (meter != null) {
            meter.wiring().close();
        }
        Wiring w = JenkinsWiring.builder(config, JenkinsCredentials.forSystem()).listener(ProgressListener.NONE)
                .build();
        List<io.jenkins.plugins.immutable.sign.VerificationKey> keys = config.signing().trustedKeys().isEmpty()
                ? List.of() : w.trustedKeys();
        meter = new Meter(config, w, new DeliveryMeter(w.ledger(), w.registry(), keys, Clock.systemUTC()));
        return meter;
    }
}
