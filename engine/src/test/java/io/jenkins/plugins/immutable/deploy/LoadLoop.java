package io.jenkins.plugins.immutable.deploy;

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
 * A bounded load on loopback: a few threads sending GETs to a frontend, each at most one request every
 * {@code PERIOD}, for at most {@code LIMIT}. Records every answer (the body names the version that served it) and every
 * failure, with the time it happened.
 */
final class LoadLoop implements AutoCloseable {

    private static final Duration PERIOD = Duration.ofMillis(2);
    private static final Duration LIMIT = Duration.ofMinutes(3);

    /** One answer: when (nanoTime), what body, or what failed. */
    record Answer(long at, String body, String failure) {
    }

    private final URI uri;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<Answer> answers = Collections.synchronizedList(new ArrayList<>());
    private final List<Thread> threads = new ArrayList<>();

    private LoadLoop(URI uri) {
        this.uri = uri;
    }

    static LoadLoop start(int port, int threads) {
        LoadLoop loop = new LoadLoop(URI.create("http://127.0.0.1:" + port + "/"));
        for (int i = 0; i < threads; i++) {
            Thread t = new Thread(loop::run, "load-" + i);
            t.setDaemon(true);
            loop.threads.add(t);
            t.start();
        }
        return loop;
    }

    private void run() {
        long end = System.nanoTime() + LIMIT.toNanos();
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).GET().build();
        while (running.get() && System.nanoTime() < end) {
            long at = System.nanoTime();
            try {
                HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
                answers.add(response.statusCode() == 200 ? new Answer(at, response.body().strip(), null)
                        : new Answer(at, null, "HTTP " + response.statusCode()));
            } catch (Exception e) {
                if (e instanceof InterruptedException) {
                    return;
                }
                answers.add(new Answer(at, null, e.toString()));
            }
            try {
                Thread.sleep(PERIOD.toMillis());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Waits until an answer sent after now says {@code body}, at most {@code timeout}; false if none did. */
    boolean awaitAnswer(String body, Duration timeout) throws InterruptedException {
        long from = System.nanoTime();
        while (System.nanoTime() - from < timeout.toNanos()) {
            synchronized (answers) {
                for (int i = answers.size() - 1; i >= 0 && answers.get(i).at() >= from; i--) {
                    if (body.equals(answers.get(i).body())) {
                        return true;
                    }
                }
            }
            Thread.sleep(5);
        }
        return false;
    }

    List<Answer> answers() {
        synchronized (answers) {
            return List.copyOf(answers);
        }
    }

    List<Answer> failures() {
        return answers().stream().filter(a -> a.failure() != null).toList();
    }

    /** Answers per body, sent at or after {@code since} (nanoTime). */
    Map<String, Integer> countsSince(long since) {
        Map<String, Integer> counts = new TreeMap<>();
        for (Answer a : answers()) {
            if (a.at() >= since) {
                counts.merge(a.body() == null ? "FAILED " + a.failure() : a.body(), 1, Integer::sum);
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
