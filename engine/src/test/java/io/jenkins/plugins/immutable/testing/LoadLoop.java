package io.jenkins.plugins.immutable.testing;

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
 * A bounded load on loopback: a few threads sending GETs to a frontend, each at most one request every 2 ms, for at
 * most 3 minutes and never after {@link #close}. Records every answer (its status and body; the test images' bodies
 * name the version that served them) and every request that got none, with the time it was sent.
 */
public final class LoadLoop implements AutoCloseable {

    private static final Duration PERIOD = Duration.ofMillis(2);
    private static final Duration LIMIT = Duration.ofMinutes(3);

    /**
     * One request: when it was sent (nanoTime), its status and body, or, when no answer came, why ({@code status} 0).
     */
    public record Answer(long at, int status, String body, String failure) {

        /** A 200 answer; anything else is a failed request to a deployment under test. */
        public boolean ok() {
            return status == 200;
        }

        /** "v1" for a 200 answering v1, "500 v2 failed" for other statuses, "failed: why" when none came. */
        String label() {
            return failure != null ? "failed: " + failure : ok() ? body : status + " " + body;
        }
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

    /** Load on {@code /} of the frontend at this loopback port. */
    public static LoadLoop start(int port, int threads) {
        return start(port, "/", threads);
    }

    public static LoadLoop start(int port, String path, int threads) {
        LoadLoop loop = new LoadLoop(URI.create("http://127.0.0.1:" + port + path));
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
                answers.add(new Answer(at, response.statusCode(), response.body().strip(), null));
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                answers.add(new Answer(at, 0, null, e.toString()));
            }
            try {
                Thread.sleep(PERIOD.toMillis());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Waits until a 200 answer to a request sent after now says {@code body}, at most {@code timeout}. */
    public boolean awaitAnswer(String body, Duration timeout) throws InterruptedException {
        long from = System.nanoTime();
        while (System.nanoTime() - from < timeout.toNanos()) {
            synchronized (answers) {
                for (int i = answers.size() - 1; i >= 0 && answers.get(i).at() >= from; i--) {
                    if (answers.get(i).ok() && body.equals(answers.get(i).body())) {
                        return true;
                    }
                }
            }
            Thread.sleep(5);
        }
        return false;
    }

    public List<Answer> answers() {
        synchronized (answers) {
            return List.copyOf(answers);
        }
    }

    /** Requests that got no answer or one other than 200. */
    public List<Answer> failures() {
        return answers().stream().filter(a -> !a.ok()).toList();
    }

    /** Requests per {@link Answer#label()}, sent at or after {@code since} (nanoTime). */
    public Map<String, Integer> countsSince(long since) {
        Map<String, Integer> counts = new TreeMap<>();
        for (Answer a : answers()) {
            if (a.at() >= since) {
                counts.merge(a.label(), 1, Integer::sum);
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
