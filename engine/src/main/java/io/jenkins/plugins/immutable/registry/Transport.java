package io.jenkins.plugins.immutable.registry;

import io.jenkins.plugins.immutable.ProgressListener;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Flow;
import java.util.function.Consumer;

/**
 * Sends one logical request through layers, each one concern, outermost first:
 * <ol>
 *   <li>{@link Redirects}: GET and HEAD redirects followed by hand, credentials kept from other hosts;</li>
 *   <li>{@link Authentication}: the registry's login, pre-emptive once known, and once more after a 401;</li>
 *   <li>{@link ProxyLogin}: the proxy's login, and its refusal as a clear error;</li>
 *   <li>{@link Retries}: connection failures, 408, 429 and 5xx tried again with backoff, honouring Retry-After;</li>
 *   <li>{@link RequestLogging}: every exchange logged, redacted;</li>
 *   <li>{@link PacedExchange}: the exchange, every wait bounded by its {@link Pace}.</li>
 * </ol>
 * Requests go through the {@link HttpProxy} that applies to them, if any. Thread-safe.
 */
final class Transport {

    private final Hosts hosts;
    private final Authenticator auth;
    private final RetryPolicy retry;
    private final ProgressListener listener;
    private final List<HttpProxy> proxies;
    private final Sender<InputStream> streams;
    private final Sender<Flow.Publisher<List<ByteBuffer>>> flows;

    /**
     * {@code proxies}: those the client's ProxySelector sends requests through, for their logins and messages;
     * {@code readTimeout} and {@code documentTimeout}: the limits of every request's {@link Pace}.
     */
    Transport(HttpClients http, Hosts hosts, Authenticator auth, RetryPolicy retry, ProgressListener listener,
              String userAgent, List<HttpProxy> proxies, Duration readTimeout, Duration documentTimeout) {
        this.hosts = hosts;
        this.auth = auth;
        this.retry = retry;
        this.listener = listener;
        this.proxies = List.copyOf(proxies);
        this.streams = layers(new PacedExchange<>(http, userAgent, readTimeout, documentTimeout,
                PacedExchange.STREAMS), Responses::discard);
        this.flows = layers(new PacedExchange<>(http, userAgent, readTimeout, documentTimeout,
                PacedExchange.FLOWS), Responses::discardPublisher);
        auth.attach(this);
    }

    private <T> Sender<T> layers(Attempt<T> exchange, Consumer<HttpResponse<T>> discard) {
        Sender<T> retried = new Retries<>(new RequestLogging<>(exchange), retry, listener, discard);
        Sender<T> authenticated = new Authentication<>(new ProxyLogin<>(retried, discard), auth, discard);
        return new Redirects<>(authenticated, proxies, discard);
    }

    Hosts hosts() {
        return hosts;
    }

    Authenticator authenticator() {
        return auth;
    }

    RetryPolicy retryPolicy() {
        return retry;
    }

    ProgressListener listener() {
        return listener;
    }

    /**
     * Sends the call and returns the final response, whatever its status, except that a 401 the credentials cannot
     * fix becomes an "unauthorized" {@link io.jenkins.plugins.immutable.EngineException}, and a registry that stays
     * unreachable or keeps failing becomes an OUTAGE. The caller closes the body.
     */
    HttpResponse<InputStream> send(Call call) {
        return streams.send(Hop.first(call, proxies));
    }

    /**
     * As {@link #send}, the body as the client's own flow of buffers, to hand on to another request without copying
     * (a blob streamed from one registry into another). Its pace is the pace of the request it is handed to.
     */
    HttpResponse<Flow.Publisher<List<ByteBuffer>>> sendForPublisher(Call call) {
        return flows.send(Hop.first(call, proxies));
    }
}
