package io.jenkins.plugins.immutable.registry;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A pass-through proxy in front of a real registry that injects the failures registries and networks really produce
 * (503 with Retry-After, 429, a reset connection, a 403) for the next requests, then forwards the rest unchanged.
 * The registry behind it does the real work; only the faults are made here, as no registry here fails on demand.
 */
final class FaultyProxy implements AutoCloseable {

    /** One injected failure: a status with optional Retry-After, or a connection cut before any answer. */
    record Fault(int status, String retryAfter) {
        static Fault reset() {
            return new Fault(-1, null);
        }

        /** No fault: this request goes through, so a fault can be aimed at a later one. */
        static Fault pass() {
            return new Fault(0, null);
        }
    }

    private static final Set<String> HOP = Set.of("host", "connection", "content-length", "transfer-encoding",
            "upgrade", "keep-alive");

    private final HttpServer server;
    private final String upstream;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    final ConcurrentLinkedQueue<Fault> faults = new ConcurrentLinkedQueue<>();
    /** Arrival time (nanos) and path of every request. */
    final List<long[]> arrivals = new CopyOnWriteArrayList<>();

    FaultyProxy(String upstream) throws IOException {
        this.upstream = upstream;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    String address() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        arrivals.add(new long[] {System.nanoTime()});
        Fault fault = faults.poll();
        try (exchange) {
            if (fault != null && fault.status() != 0) {
                if (fault.status() < 0) {
                    // nothing is sent: the server drops the connection, as a reset or a crashed proxy does
                    throw new IOException("injected connection reset");
                }
                if (fault.retryAfter() != null) {
                    exchange.getResponseHeaders().add("Retry-After", fault.retryAfter());
                }
                byte[] body = ("{\"errors\":[{\"code\":\"" + (fault.status() == 403 ? "DENIED" : "UNAVAILABLE")
                        + "\",\"message\":\"injected\"}]}").getBytes();
                exchange.sendResponseHeaders(fault.status(), body.length);
                exchange.getResponseBody().write(body);
                return;
            }
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://" + upstream
                    + exchange.getRequestURI()));
            exchange.getRequestHeaders().forEach((k, vs) -> {
                if (!HOP.contains(k.toLowerCase())) {
                    vs.forEach(v -> b.header(k, v));
                }
            });
            byte[] body = exchange.getRequestBody().readAllBytes();
            b.method(exchange.getRequestMethod(), body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(body));
            HttpResponse<InputStream> r = http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
            r.headers().map().forEach((k, vs) -> {
                if (!HOP.contains(k.toLowerCase()) && !k.equals(":status")) {
                    vs.forEach(v -> exchange.getResponseHeaders().add(k, v.replace(upstream, address())));
                }
            });
            boolean head = exchange.getRequestMethod().equals("HEAD");
            long length = r.headers().firstValueAsLong("Content-Length").orElse(0);
            exchange.sendResponseHeaders(r.statusCode(), head || length == 0 ? -1 : length);
            try (InputStream in = r.body(); OutputStream out = exchange.getResponseBody()) {
                if (!head) {
                    in.transferTo(out);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
