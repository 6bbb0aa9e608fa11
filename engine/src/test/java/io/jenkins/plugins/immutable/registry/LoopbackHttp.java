package io.jenkins.plugins.immutable.registry;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A small HTTP server on 127.0.0.1 that plays a registry or a token service in a test: one handler for every path,
 * and a record of each request it got (method, path and query, Authorization header, body), so a test can tell what
 * reached it. Handlers run on their own threads, so one that waits does not hold up the others.
 */
final class LoopbackHttp implements AutoCloseable {

    /** One request as it arrived; {@code authorization} is null when it carried none. */
    record Seen(String method, String target, String authorization, String body) {
    }

    interface Handler {
        void handle(HttpExchange exchange) throws IOException;
    }

    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    final List<Seen> seen = new CopyOnWriteArrayList<>();

    LoopbackHttp(Handler handler) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(threads);
        server.createContext("/", exchange -> {
            try (InputStream in = exchange.getRequestBody()) {
                seen.add(new Seen(exchange.getRequestMethod(), exchange.getRequestURI().toString(),
                        exchange.getRequestHeaders().getFirst("Authorization"),
                        new String(in.readAllBytes(), StandardCharsets.UTF_8)));
                handler.handle(exchange);
            } finally {
                exchange.close();
            }
        });
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    /** The registry name of this server as 127.0.0.1 (an IP address); {@link #localhost()} names the same server. */
    String address() {
        return "127.0.0.1:" + port();
    }

    /** The same server under the host name localhost: to the client, another host than 127.0.0.1. */
    String localhost() {
        return "localhost:" + port();
    }

    /** The Authorization headers of every request so far, those without one left out. */
    List<String> authorizations() {
        return seen.stream().map(Seen::authorization).filter(a -> a != null).toList();
    }

    static void send(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        if (contentType != null) {
            exchange.getResponseHeaders().add("Content-Type", contentType);
        }
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            exchange.getResponseBody().write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
