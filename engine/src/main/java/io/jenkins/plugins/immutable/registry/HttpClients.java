package io.jenkins.plugins.immutable.registry;

import java.net.URI;
import java.net.http.HttpClient;
import java.security.GeneralSecurityException;
import java.util.function.Supplier;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;

/**
 * The HTTP clients a registry client sends through, each made on first use: one for https URLs, with the TLS context
 * it was given (else the JVM's default), and one for plain http URLs. Making a client with the JVM's default TLS
 * context loads its trust store (some 150 certificates parsed), a good part of a short command's start; a client that
 * only ever speaks plain http does without. Which one a request takes is decided per URL, so a redirect from a plain
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
                http = builder.get().sslContext(noTls()).build();
            }
            return http;
        }
        if (https == null) {
            HttpClient.Builder b = builder.get();
            https = (tls == null ? b : b.sslContext(tls)).build();
        }
        return https;
    }

    /**
     * A TLS context for a client that never makes a TLS connection: it has no key and trusts no certificate, so it
     * loads no trust store, and a TLS connection tried with it fails rather than trusts anyone.
     */
    static SSLContext noTls() {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(new KeyManager[0], new TrustManager[0], null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JVM has no TLS implementation", e);
        }
    }
}
