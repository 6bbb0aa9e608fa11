package io.jenkins.plugins.immutable.retention;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A registry of this test's own (Debian's docker-registry, as the stack runs, with deletion enabled), so that its
 * garbage collection can run with the registry stopped, as the registry's documentation asks, without touching the
 * stack's shared registries.
 */
final class PrivateRegistry implements AutoCloseable {

    private final Path dir;
    private final Path config;
    private final int port;
    private Process process;

    PrivateRegistry() throws IOException {
        dir = Files.createTempDirectory("retention-registry");
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        config = dir.resolve("config.yml");
        Files.writeString(config, """
                version: 0.1
                log:
                  level: warn
                storage:
                  filesystem:
                    rootdirectory: %s
                  delete:
                    enabled: true
                http:
                  addr: 127.0.0.1:%d
                  secret: retention-test
                """.formatted(dir.resolve("data"), port), StandardCharsets.UTF_8);
        start();
    }

    String host() {
        return "127.0.0.1:" + port;
    }

    void start() throws IOException {
        process = new ProcessBuilder("docker-registry", "serve", config.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("registry.log").toFile()).start();
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create("http://" + host() + "/v2/"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
            if (System.nanoTime() > deadline || !process.isAlive()) {
                throw new IOException("docker-registry did not start on " + host() + "; see "
                        + dir.resolve("registry.log") + " (is the stack installed? run scripts/stack up)");
            }
            sleep(100);
        }
    }

    void stop() {
        if (process != null) {
            process.destroy();
            try {
                process.waitFor(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            process = null;
        }
    }

    /** Runs the registry's garbage collection (the registry must be stopped); returns its output. */
    String garbageCollect() throws IOException, InterruptedException {
        Process gc = new ProcessBuilder("docker-registry", "garbage-collect", config.toString())
                .redirectErrorStream(true).start();
        String out = new String(gc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (gc.waitFor() != 0) {
            throw new IOException("garbage-collect failed: " + out);
        }
        return out;
    }

    /** Bytes of blob data on disk. */
    long blobBytes() throws IOException {
        Path blobs = dir.resolve("data/docker/registry/v2/blobs");
        if (!Files.isDirectory(blobs)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(blobs)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }

    @Override
    public void close() throws IOException {
        stop();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
