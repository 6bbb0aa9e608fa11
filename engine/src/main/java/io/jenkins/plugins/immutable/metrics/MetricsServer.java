package io.jenkins.plugins.immutable.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.jenkins.plugins.immutable.EngineException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Serves the metrics over HTTP for Prometheus, with the JDK's own server: {@code GET /metrics} is the OpenMetrics
 * exposition (also to scrapers that ask for Prometheus' text format, which reads it too), {@code GET /metrics.json}
 * the JSON. The metrics are computed on each request, from a {@link DeliveryMeter} that keeps what it read, so a
 * scrape reads only what changed. A failure is a 503 whose body says why; the scrape then shows the target down.
 */
public final class MetricsServer implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(MetricsServer.class.getName());

    private final HttpServer server;

    private MetricsServer(HttpServer server) {
        this.server = server;
    }

    /**
     * Starts serving on {@code address} (port 0: any free one) until {@link #close}.
     *
     * @param metrics computes the metrics for one request; called by one request at a time
     */
    public static MetricsServer start(InetSocketAddress address, Supplier<DeliveryMetrics> metrics) {
        Objects.requireNonNull(metrics, "metrics");
        HttpServer server;
        try {
            server = HttpServer.create(address, 16);
        } catch (IOException e) {
            throw EngineException.badInput("cannot listen on " + address + " for the metrics: " + e.getMessage()
                    + "; choose another address or port");
        }
        Object lock = new Object();
        server.createContext("/metrics", exchange -> {
            try (exchange) {
                String path = exchange.getRequestURI().getPath();
                boolean json = path.equals("/metrics.json");
                if (!path.equals("/metrics") && !json) {
                    send(exchange, 404, "text/plain; charset=utf-8", "not found: try /metrics or /metrics.json\n");
                    return;
                }
                if (!"GET".equals(exchange.getRequestMethod()) && !"HEAD".equals(exchange.getRequestMethod())) {
                    send(exchange, 405, "text/plain; charset=utf-8", "only GET\n");
                    return;
                }
                DeliveryMetrics m;
                try {
                    synchronized (lock) {
                        m = metrics.get();
                    }
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "metrics could not be computed: {0}", e.getMessage());
                    send(exchange, 503, "text/plain; charset=utf-8", "metrics could not be computed: "
                            + e.getMessage() + "\n");
                    return;
                }
                if (json) {
                    send(exchange, 200, "application/json", MetricsJson.write(m));
                } else {
                    String accept = exchange.getRequestHeaders().getFirst("Accept");
                    boolean openMetrics = accept != null && accept.contains("application/openmetrics-text");
                    send(exchange, 200, openMetrics ? OpenMetrics.CONTENT_TYPE
                            : "text/plain; version=0.0.4; charset=utf-8", OpenMetrics.write(m));
                }
            }
        });
        server.setExecutor(Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "metrics-server");
            t.setDaemon(true);
            return t;
        }));
        server.start();
        return new MetricsServer(server);
    }

    private static void send(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        boolean head = "HEAD".equals(exchange.getRequestMethod());
        exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    /** Where it listens, with the port chosen when 0 was asked for. */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    @Override
    public void close() {
        server.stop(0);
        if (server.getExecutor() instanceof java.util.concurrent.ExecutorService e) {
            e.shutdownNow();
        }
    }
}
