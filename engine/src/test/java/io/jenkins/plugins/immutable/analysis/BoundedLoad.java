package io.jenkins.plugins.immutable.analysis;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A bounded load on loopback: a few threads sending GETs, each at most one request every 2 ms, for at most 3 minutes
 * and never after {@link #close}. Records every answer with its status and body, and every failure to get one.
 */
final class BoundedLoad implements AutoCloseable {

    private static final long PERIOD_MILLIS = 2;
    private static final Duration LIMIT = Duration.ofMinutes(3);

    /** One request: when it was sent (nanoTime), its status (0 when none came) and body, or why it failed. */
    record Answer(long at, int status, String body, String failure) {
    }

    private final URI uri;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<Answer> answers = Collections.synchronizedList(new ArrayList<>());
    private final List<Thread> threads = new ArrayList<>();

    private BoundedLoad(URI uri) {
        this.uri = uri;
    }

    static BoundedLoad start(int port, String path, int threads) {
        BoundedLoad load = new BoundedLoad(URI.create("http://127.0.0.1:" + port + path));
        for (int i = 0; i < threads; i++) {
            Thread t = new Thread(load::run, "load-" + i);
            t.setDaemon(true);
            load.threads.add(t);
            t.start();
        }
        return load;
    }

    private void run() {
        long end = System.nanoTime() + LIMIT.toNanos();
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).GET().build();
        while (running.get() && System.nanoTime() < end) {
            long at = System.nanoTime();
            try {
                HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
                answers.add(new Answer(at, response.statusCode(), response.body().strip(), null));
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                answers.add(new Answer(at, 0, null, e.toString()));
            }
            try {
                Thread.sleep(PERIOD_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    List<Answer> answers() {
        synchronized (answers) {
            return List.copyOf(answers);
        }
    }

    /** Answers per "status body" (or "failed: why"), sent at or after {@code since} (nanoTime). */
    Map<String, Integer> countsSince(long since) {
        Map<String, Integer> counts = new TreeMap<>();
        for (Answer a : answers()) {
            if (a.at() >= since) {
                counts.merge(a.failure() != null ? "failed: " + a.failure() : a.status() + " " + a.body(), 1,
                        Integer::sum);
            }
        }
        return counts;
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        for (Thread t : threads) {
            t.join(10_000);
        }
    }
}
