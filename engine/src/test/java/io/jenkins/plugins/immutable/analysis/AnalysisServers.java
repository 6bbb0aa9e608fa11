package io.jenkins.plugins.immutable.analysis;

import com.sun.net.httpserver.HttpServer;
import io.jenkins.plugins.immutable.deploy.haproxy.HAProxyRuntime;
import io.jenkins.plugins.immutable.testing.Stack;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.rules.ExternalResource;

/**
 * An HAProxy and a Prometheus of the test's own (scripts/haproxy, scripts/prometheus scraping its exporter every
 * 250 ms), on the analysis tests' ports (TEAM.md: 26000-27999), with one environment; plus small HTTP servers in this
 * JVM to stand in for instances where a test needs no container. Stops everything afterwards.
 */
final class AnalysisServers extends ExternalResource {

    static final String SCRAPE_INTERVAL = "250ms";

    final String environment = "an-" + Long.toString(ThreadLocalRandom.current().nextLong(1L << 40), 36);
    private Path haproxyDir;
    private Path prometheusDir;
    private int statsPort;
    private int frontendPort;
    private int prometheusPort;
    private final List<HttpServer> servers = new ArrayList<>();
    private final boolean withPrometheus;

    AnalysisServers() {
        this(true);
    }

    AnalysisServers(boolean withPrometheus) {
        this.withPrometheus = withPrometheus;
    }

    @Override
    protected void before() throws Throwable {
        haproxyDir = Files.createTempDirectory("an-haproxy");
        prometheusDir = Files.createTempDirectory("an-prometheus");
        try {
            statsPort = freePort(26000, 26999);
            frontendPort = freePort(26000, 26999);
            run(Stack.script("haproxy").toString(), "up", haproxyDir.toString(), Integer.toString(statsPort),
                    environment + "=" + frontendPort);
            if (withPrometheus) {
                prometheusPort = freePort(26000, 26999);
                run(Stack.script("prometheus").toString(), "up", prometheusDir.toString(),
                        Integer.toString(prometheusPort), SCRAPE_INTERVAL, "127.0.0.1:" + statsPort);
            }
        } catch (Throwable t) {
            after();
            throw t;
        }
    }

    @Override
    protected void after() {
        servers.forEach(s -> s.stop(0));
        try {
            run(Stack.script("prometheus").toString(), "down", prometheusDir.toString());
            run(Stack.script("haproxy").toString(), "down", haproxyDir.toString());
            for (Path dir : List.of(prometheusDir, haproxyDir)) {
                try (Stream<Path> files = Files.walk(dir)) {
                    files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException("cleanup failed", e);
        }
    }

    /** Stops the test's Prometheus (its data stays in its directory), as an outage of the metric source. */
    void stopPrometheus() {
        try {
            run(Stack.script("prometheus").toString(), "down", prometheusDir.toString());
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException("cannot stop the test's Prometheus", e);
        }
    }

    /** Starts the test's Prometheus again, on the same port and data, and returns once it scraped. */
    void startPrometheus() {
        try {
            run(Stack.script("prometheus").toString(), "up", prometheusDir.toString(),
                    Integer.toString(prometheusPort), SCRAPE_INTERVAL, "127.0.0.1:" + statsPort);
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException("cannot start the test's Prometheus again", e);
        }
    }

    HAProxyRuntime runtime() {
        return new HAProxyRuntime(haproxyDir.resolve("admin.sock"));
    }

    URI prometheus() {
        return URI.create("http://127.0.0.1:" + prometheusPort);
    }

    int frontend() {
        return frontendPort;
    }

    /**
     * An HTTP server in this JVM: {@code /} answers 200 (HAProxy's health check), {@code /app} answers {@code name},
     * or 500 for every {@code failEvery}-th request (0: never).
     */
    int instance(String name, int failEvery) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(),
                freePort(27000, 27999)), 50);
        AtomicInteger count = new AtomicInteger();
        server.createContext("/", exchange -> {
            int status = 200;
            String body = name;
            if (exchange.getRequestURI().getPath().equals("/app") && failEvery > 0
                    && count.incrementAndGet() % failEvery == 0) {
                status = 500;
                body = name + " failed";
            }
            byte[] bytes = (body + "\n").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        server.start();
        servers.add(server);
        return server.getAddress().getPort();
    }

    /** Points the backend's server slot at a port, with a weight, and lets it take traffic. */
    void route(String slot, int port, int weight) {
        HAProxyRuntime runtime = runtime();
        runtime.change("set server " + environment + "/" + slot + " addr 127.0.0.1 port " + port);
        runtime.change("set server " + environment + "/" + slot + " state ready");
        runtime.change("set weight " + environment + "/" + slot + " " + weight);
    }

    static int freePort(int first, int last) {
        for (int attempt = 0; attempt < 200; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(first, last + 1);
            try (ServerSocket socket = new ServerSocket()) {
                socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
                return port;
            } catch (IOException e) {
                // taken; try another
            }
        }
        throw new IllegalStateException("no free port in " + first + "-" + last);
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
        }
    }
}
