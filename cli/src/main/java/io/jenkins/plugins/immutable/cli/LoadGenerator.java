package io.jenkins.plugins.immutable.cli;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Steady traffic for the canary to be judged on: a few threads requesting {@code /} of an environment's frontend in a
 * bounded loop on loopback, at about {@code perSecond} requests a second in all, counting the answers.
 */
final class LoadGenerator implements AutoCloseable {

    private final URI uri;
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicLong ok = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private volatile boolean running = true;

    LoadGenerator(String frontend, int threadCount, int perSecond) {
        this.uri = URI.create("http://" + frontend + "/");
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2)).build();
        long pauseNanos = 1_000_000_000L * threadCount / perSecond;
        for (int i = 0; i < threadCount; i++) {
            Thread t = new Thread(() -> loop(http, pauseNanos), "demo-load-" + i);
            t.setDaemon(true);
            threads.add(t);
        }
    }

    LoadGenerator start() {
        threads.forEach(Thread::start);
        return this;
    }

    private void loop(HttpClient http, long pauseNanos) {
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).GET().build();
        while (running) {
            long start = System.nanoTime();
            try {
                int status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
                (status >= 500 ? errors : ok).incrementAndGet();
            } catch (IOException e) {
                failed.incrementAndGet();
            } catch (InterruptedException e) {
                return;
            }
            long left = pauseNanos - (System.nanoTime() - start);
            if (left > 0) {
                try {
                    Thread.sleep(left / 1_000_000L, (int) (left % 1_000_000L));
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    /** Requests answered 2xx-4xx, 5xx, and not answered at all, so far. */
    long[] counts() {
        return new long[] {ok.get(), errors.get(), failed.get()};
    }

    @Override
    public void close() {
        running = false;
        for (Thread t : threads) {
            t.interrupt();
        }
        for (Thread t : threads) {
            try {
                t.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
