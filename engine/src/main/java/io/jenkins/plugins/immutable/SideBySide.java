package io.jenkins.plugins.immutable;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Runs independent tasks that mostly wait on servers (reading several environments' ledgers, asking several hosts)
 * side by side, and gives their results in the order of their items, as a loop over them would.
 */
public final class SideBySide {

    private SideBySide() {
    }

    /**
     * {@code task} applied to each item, on up to {@code threads} threads (one item: on the calling thread); the
     * results in the items' order. When tasks fail, the failure of the first item in order is thrown, as a loop would
     * have thrown it, once every task has ended.
     *
     * @param what what the tasks do, for the error when the calling thread is interrupted ("reading the ledgers")
     */
    public static <T, R> List<R> map(List<T> items, int threads, String what, Function<? super T, ? extends R> task) {
        if (items.size() <= 1) {
            List<R> results = new ArrayList<>();
            items.forEach(item -> results.add(task.apply(item)));
            return results;
        }
        AtomicInteger count = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(items.size(), Math.max(1, threads)), r -> {
            Thread t = new Thread(r, "side-by-side-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<R>> futures = new ArrayList<>();
            for (T item : items) {
                futures.add(pool.submit(() -> task.apply(item)));
            }
            pool.shutdown();
            List<R> results = new ArrayList<>();
            RuntimeException first = null;
            for (Future<R> f : futures) {
                try {
                    results.add(f.get());
                } catch (ExecutionException e) {
                    if (first == null) {
                        first = e.getCause() instanceof RuntimeException r ? r
                                : e.getCause() instanceof Error err ? new IllegalStateException(err)
                                : new IllegalStateException(e.getCause());
                    }
                }
            }
            if (first != null) {
                throw first;
            }
            return results;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EngineException(EngineException.Kind.OUTAGE, "interrupted while " + what, e);
        } finally {
            pool.shutdownNow();
        }
    }
}
