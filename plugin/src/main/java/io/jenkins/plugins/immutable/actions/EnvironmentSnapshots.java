package io.jenkins.plugins.immutable.actions;

import com.github.benmanes.caffeine.cache.AsyncLoadingCache;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import hudson.model.Job;
import hudson.security.ACL;
import hudson.security.ACLContext;
import hudson.util.DaemonThreadFactory;
import hudson.util.NamingThreadFactory;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import jenkins.model.Jenkins;

/**
 * What the Environments pages show, read from the registries on background threads, never on a request thread:
 * per job, the ledgers' rows (read again when older than {@link #FRESH}) and the last drift check. Bounded: jobs not
 * looked at for a while are forgotten.
 */
final class EnvironmentSnapshots {

    static final Duration FRESH = Duration.ofSeconds(30);

    /** Two readers at most: a registry that answers slowly must not take the controller's threads. */
    private static final ExecutorService READERS = new ThreadPoolExecutor(0, 2, 60, TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(), new NamingThreadFactory(new DaemonThreadFactory(),
                    "immutable-delivery environments"));

    private static final AsyncLoadingCache<String, List<EnvironmentsAction.EnvironmentRow>> ROWS = Caffeine
            .newBuilder().maximumSize(500).expireAfterAccess(Duration.ofMinutes(30)).refreshAfterWrite(FRESH)
            .executor(READERS).buildAsync(EnvironmentSnapshots::load);

    private static final Cache<String, CompletableFuture<Map<String, EnvironmentsAction.DriftRow>>> DRIFT = Caffeine
            .newBuilder().maximumSize(500).expireAfterWrite(Duration.ofHours(1)).build();

    private EnvironmentSnapshots() {
    }

    /** Reads a job's ledgers, as the system (a background thread has no user; the page checked who asks). */
    private static List<EnvironmentsAction.EnvironmentRow> load(String job) {
        try (ACLContext ignored = ACL.as2(ACL.SYSTEM2)) {
            Job<?, ?> j = Jenkins.get().getItemByFullName(job, Job.class);
            return j == null ? List.of() : new EnvironmentsAction(j).read();
        }
    }

    /** The job's rows if they were read (possibly while a newer read runs), else null while the first read runs. */
    static List<EnvironmentsAction.EnvironmentRow> rows(String job) {
        return ROWS.get(job).getNow(null);
    }

    /** Reads the job's ledgers again in the background; the page shows the rows it has until then. */
    static void refresh(String job) {
        ROWS.synchronous().refresh(job);
    }

    /** Starts a drift check in the background unless one runs. */
    static void checkDrift(String job, Supplier<Map<String, EnvironmentsAction.DriftRow>> check) {
        DRIFT.asMap().compute(job, (k, running) -> running != null && !running.isDone() ? running
                : CompletableFuture.supplyAsync(check, READERS));
    }

    /** The last drift check's results, empty while none has finished. */
    static Map<String, EnvironmentsAction.DriftRow> drift(String job) {
        CompletableFuture<Map<String, EnvironmentsAction.DriftRow>> f = DRIFT.getIfPresent(job);
        return f == null ? Map.of() : f.getNow(Map.of());
    }

    /** True while a drift check of the job runs. */
    static boolean checkingDrift(String job) {
        CompletableFuture<Map<String, EnvironmentsAction.DriftRow>> f = DRIFT.getIfPresent(job);
        return f != null && !f.isDone();
    }
}
