package io.jenkins.plugins.immutable.registry;

import io.jenkins.plugins.immutable.PlainHttp;
import java.net.URI;
import java.net.http.HttpClient;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;

/**
 * The HTTP clients a registry client sends through, each made on first use: one for https URLs, with the TLS context
 * it was given (else the JVM's default), and one for plain http URLs, which loads no trust store ({@link PlainHttp}).
 * Which one a request takes is decided per URL, so a redirect from a plain
 * registry to https storage goes through the https client. Thread-safe.
 */
final class HttpClients {

    private final Supplier<HttpClient.Builder> builder;
    private final SSLContext tls;
    private HttpClient https;
    private HttpClient http;

    /**
     * @param builder a builder of the clients, configured but for TLS, new on each call
     * @param tls     the TLS context of https requests; null for the JVM's default
     */
    HttpClients(Supplier<HttpClient.Builder> builder, SSLContext tls) {
        this.builder = builder;
        this.tls = tls;
    }

    /** The client for {@code uri}'s scheme. */
    synchronized HttpClient forUri(URI uri) {
        if ("http".equalsIgnoreCase(uri.getScheme())) {
            if (http == null) {
                http = builder.get().sslContext(PlainHttp.noTls()).build();
            }
            return http;
        }
        if (https == null) {
            HttpClient.Builder b = builder.get();
            https = (tls == null ? b : b.sslContext(tls)).build();
        }
        return https;
    }
}
