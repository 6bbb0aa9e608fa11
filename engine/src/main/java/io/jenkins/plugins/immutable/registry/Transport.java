package io.jenkins.plugins.immutable.registry;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.ProgressListener;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;

/**
 * Sends one logical request: authentication (pre-emptive once the scheme is known, and once more after a 401
 * challenge), retries with backoff on connection failures, 408, 429 and 5xx honouring Retry-After, and redirects
 * followed by hand so credentials never go to another host (blob storage behind a redirect), a loop or a long chain
 * of them being a bad answer. Requests go through the {@link HttpProxy} that applies to them, if any, its login sent
 * pre-emptively. Every wait, for the answer and for each read of its body, is bounded by the request's {@link Pace}
 * (read timeout, and for small documents an overall limit). Thread-safe.
 */
final class Transport {

    static final ObjectMapper MAPPER = new ObjectMapper();
    private static final int MAX_REDIRECTS = 5;

    /** A request body that can be sent again on a retry, or only once. */
    interface Body {
        HttpRequest.BodyPublisher publisher() throws IOException;

        boolean replayable();

        Body NONE = new Body() {
            @Override
            public HttpRequest.BodyPublisher publisher() {
                return HttpRequest.BodyPublishers.noBody();
            }

            @Override
            public boolean replayable() {
                return true;
            }
        };

        static Body of(byte[] bytes) {
            return new Body() {
                @Override
                public HttpRequest.BodyPublisher publisher() {
                    return HttpRequest.BodyPublishers.ofByteArray(bytes);
                }

                @Override
                public boolean replayable() {
                    return true;
                }
            };
        }

        static Body of(Path file) {
            return new Body() {
                @Override
                public HttpRequest.BodyPublisher publisher() throws IOException {
                    return HttpRequest.BodyPublishers.ofFile(file);
                }

                @Override
                public boolean replayable() {
                    return true;
                }
            };
        }

        /** A body read once from a stream; length -1 sends it chunked. */
        static Body once(InputStream in, long length) {
            return new Body() {
                private boolean used;

                @Override
                public synchronized HttpRequest.BodyPublisher publisher() {
                    if (used) {
                        throw new IllegalStateException("a stream body is sent once");
                    }
                    used = true;
                    HttpRequest.BodyPublisher p = HttpRequest.BodyPublishers.ofInputStream(() -> in);
                    return length < 0 ? p : HttpRequest.BodyPublishers.fromPublisher(p, length);
                }

                @Override
                public boolean replayable() {
                    return false;
                }
            };
        }
    }

    /**
     * One request: method, URI, headers, body, the registry it authenticates to (null: none, e.g. a token service)
     * with the scopes it needs, what it does, for messages, and whether its answer is a small document (a manifest,
     * a token, JSON), which the overall document timeout bounds as well as the read timeout.
     */
    record Call(String method, URI uri, Map<String, String> headers, Body body, String registry, List<String> scopes,
                String what, boolean smallDocument) {

        static Call of(String method, URI uri, String what) {
            return new Call(method, uri, Map.of(), Body.NONE, null, List.of(), what, false);
        }

        Call header(String name, String value) {
            Map<String, String> h = new LinkedHashMap<>(headers);
            h.put(name, value);
            return new Call(method, uri, h, body, registry, scopes, what, smallDocument);
        }

        Call body(Body b) {
            return new Call(method, uri, headers, b, registry, scopes, what, smallDocument);
        }

        Call auth(String reg, List<String> sc) {
            return new Call(method, uri, headers, body, reg, List.copyOf(sc), what, smallDocument);
        }

        /** Marks the answer as a small document, to arrive whole within the document timeout. */
        Call document() {
            return new Call(method, uri, headers, body, registry, scopes, what, true);
        }
    }

    private final HttpClient http;
    private final Hosts hosts;
    private final Authenticator auth;
    private final RetryPolicy retry;
    private final ProgressListener listener;
    private final String userAgent;
    private final List<HttpProxy> proxies;
    private final Duration readTimeout;
    private final Duration documentTimeout;

    /**
     * {@code proxies}: those the client's ProxySelector sends requests through, for their logins and messages;
     * {@code readTimeout} and {@code documentTimeout}: the limits of every request's {@link Pace}.
     */
    Transport(HttpClient http, Hosts hosts, Authenticator auth, RetryPolicy retry, ProgressListener listener,
              String userAgent, List<HttpProxy> proxies, Duration readTimeout, Duration documentTimeout) {
        this.proxies = List.copyOf(proxies);
        this.readTimeout = readTimeout;
        this.documentTimeout = documentTimeout;
        this.http = http;
        this.hosts = hosts;
        this.auth = auth;
        this.retry = retry;
        this.listener = listener;
        this.userAgent = userAgent;
        auth.attach(this);
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
     * fix becomes an "unauthorized" {@link EngineException}, and a registry that stays unreachable or keeps failing
     * becomes an OUTAGE. The caller closes the body.
     */
    HttpResponse<InputStream> send(Call call) {
        return send(call, true, this::pacedBody, Transport::discard);
    }

    /** As {@link #send} but without registry authentication (for token services). */
    HttpResponse<InputStream> sendRaw(Call call) {
        return send(call, false, this::pacedBody, Transport::discard);
    }

    /**
     * As {@link #send}, the body as the client's own flow of buffers, to hand on to another request without copying
     * (a blob streamed from one registry into another). Its pace is the pace of the request it is handed to.
     */
    HttpResponse<java.util.concurrent.Flow.Publisher<List<java.nio.ByteBuffer>>> sendForPublisher(Call call) {
        return send(call, true, (c, u, p, proxy) -> HttpResponse.BodyHandlers.ofPublisher(),
                Transport::discardPublisher);
    }

    /** How a response body is read: the handler for one attempt of a call, reading at the attempt's pace. */
    private interface Bodies<T> {
        HttpResponse.BodyHandler<T> handler(Call call, URI uri, Pace pace, HttpProxy proxy);
    }

    private HttpResponse.BodyHandler<InputStream> pacedBody(Call call, URI uri, Pace pace, HttpProxy proxy) {
        return PacedBody.handler(pace, () -> stalledBody(call, uri, pace, proxy));
    }

    static void discardPublisher(HttpResponse<java.util.concurrent.Flow.Publisher<List<java.nio.ByteBuffer>>> r) {
        HttpResponse.BodySubscriber<Void> sink = HttpResponse.BodySubscribers.discarding();
        r.body().subscribe(sink);
    }

    /** Reads an error body from a flow of buffers, up to 64 KiB. */
    static byte[] readPublisher(HttpResponse<java.util.concurrent.Flow.Publisher<List<java.nio.ByteBuffer>>> r) {
        HttpResponse.BodySubscriber<byte[]> bytes = HttpResponse.BodySubscribers.ofByteArray();
        r.body().subscribe(bytes);
        try {
            byte[] all = bytes.getBody().toCompletableFuture().get(30, java.util.concurrent.TimeUnit.SECONDS);
            return all.length > 64 * 1024 ? java.util.Arrays.copyOf(all, 64 * 1024) : all;
        } catch (InterruptedException e) {
            // The status says what went wrong; whoever interrupted the thread still has to see that it was.
            Thread.currentThread().interrupt();
            return new byte[0];
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            return new byte[0];
        }
    }

    private <T> HttpResponse<T> send(Call call, boolean authenticate, Bodies<T> bodies,
                                     java.util.function.Consumer<HttpResponse<T>> discard) {
        URI uri = call.uri();
        boolean sameHost = true;
        boolean challenged = false;
        int redirects = 0;
        Set<URI> visited = new HashSet<>();
        for (int attempt = 1; ; attempt++) {
            String authorization = authenticate && sameHost && call.registry() != null
                    ? auth.authorization(call.registry(), call.scopes()) : null;
            Pace pace = new Pace(readTimeout, call.smallDocument() ? documentTimeout : null);
            HttpRequest request;
            try {
                request = request(call, uri, authorization, sameHost, pace);
            } catch (IOException e) {
                throw EngineException.badInput("cannot read what to send for " + call.what() + ": " + e.getMessage());
            }
            HttpProxy proxy = HttpProxy.forUri(proxies, uri).orElse(null);
            HttpResponse<T> response;
            long started = System.nanoTime();
            try {
                response = exchange(request, bodies.handler(call, uri, pace, proxy), pace, call, uri, proxy);
                RequestLog.answered(call.method(), uri, response.statusCode(), started, via(proxy));
            } catch (EngineException e) {
                RequestLog.failed(call.method(), uri, e, started, via(proxy));
                throw e;
            } catch (IOException e) {
                RequestLog.failed(call.method(), uri, e, started, via(proxy));
                EngineException cause = engineCause(e);
                if (cause != null) {
                    throw cause;
                }
                if (e instanceof SSLException || e.getCause() instanceof SSLException) {
                    throw new EngineException(EngineException.Kind.BAD_INPUT, "TLS with " + Hosts.registryOf(uri) + " failed for " + call.what()
                            + ": " + e.getMessage() + ". If this registry serves plain HTTP, mark it insecure; if"
                            + " its certificate is from a private CA, add the CA to the trusted certificates", e);
                }
                String server = (call.registry() == null ? "the server " : "registry ") + Hosts.registryOf(uri);
                // Through a proxy, a refused connection is the proxy's: the client never dials the server itself.
                String who = proxy == null ? server : e instanceof ConnectException
                        ? "the proxy " + proxy.address() + " (on the way to " + server + ")"
                        : server + " (through the proxy " + proxy.address() + ")";
                if (attempt < retry.attempts() && call.body().replayable()) {
                    java.time.Duration wait = retry.backoff(attempt);
                    listener.line(who + ": " + describe(e) + " during " + call.what()
                            + "; retrying in " + wait.toMillis() + " ms (attempt " + (attempt + 1) + " of "
                            + retry.attempts() + ")");
                    RequestLog.retry(call.method(), uri, who + ": " + describe(e) + " during " + call.what(), wait,
                            attempt + 1, retry.attempts());
                    sleep(wait);
                    continue;
                }
                throw EngineException.outage("could not " + call.what() + ": " + who
                        + " " + describe(e) + (attempt > 1 ? " (after " + attempt + " attempts)" : "")
                        + "; check that it is running and reachable" + (proxy == null ? ""
                        : ", and that the proxy settings (HTTPS_PROXY, HTTP_PROXY, NO_PROXY) name the right one")
                        + ", then try again", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw EngineException.outage("interrupted while trying to " + call.what(), e);
            }
            int status = response.statusCode();
            if (proxy != null && HttpProxy.isRefusal(status, response.headers())) {
                discard.accept(response);
                throw proxy.refused(uri, status, call.what());
            }
            if (status == 401 && authenticate && sameHost && call.registry() != null) {
                List<String> challenge = response.headers().allValues("WWW-Authenticate");
                discard.accept(response);
                if (!challenged && call.body().replayable()
                        && auth.onChallenge(call.registry(), call.scopes(), challenge, authorization)) {
                    RequestLog.LOGGER.log(java.util.logging.Level.FINE, "{0} {1}: challenged, sending it again"
                            + " with a login for {2}", new Object[] {call.method(), RequestLog.redact(uri),
                            call.registry()});
                    challenged = true;
                    attempt--;
                    continue;
                }
                throw Authenticator.unauthorized(call.registry(), auth.credentialsFor(call.registry()),
                        "HTTP 401 to " + call.what());
            }
            if (RetryPolicy.isRetryableStatus(status) && attempt < retry.attempts() && call.body().replayable()) {
                java.time.Duration wait = RetryPolicy.retryAfter(response.headers().firstValue("Retry-After"))
                        .orElse(retry.backoff(attempt));
                discard.accept(response);
                if (wait.compareTo(RetryPolicy.MAX_RETRY_AFTER) > 0) {
                    throw EngineException.outage("registry " + Hosts.registryOf(uri) + " answered HTTP " + status
                            + " to " + call.what() + " and asks to wait " + wait.toSeconds() + " s; try again then", null);
                }
                listener.line("registry " + Hosts.registryOf(uri) + " answered HTTP " + status + " to " + call.what()
                        + "; retrying in " + wait.toMillis() + " ms (attempt " + (attempt + 1) + " of "
                        + retry.attempts() + ")");
                RequestLog.retry(call.method(), uri, "HTTP " + status + " to " + call.what(), wait, attempt + 1,
                        retry.attempts());
                sleep(wait);
                continue;
            }
            if (status >= 300 && status < 400 && status != 304 && response.headers().firstValue("Location").isPresent()
                    && (call.method().equals("GET") || call.method().equals("HEAD"))) {
                URI next;
                try {
                    next = uri.resolve(response.headers().firstValue("Location").get());
                } catch (IllegalArgumentException e) {
                    discard.accept(response);
                    throw EngineException.badInput(server(call, uri) + " redirected " + call.what() + " to a Location"
                            + " that is no URI; the registry, or what is in front of it, is misconfigured");
                }
                discard.accept(response);
                visited.add(uri);
                // A loop never ends by itself and retrying it only repeats it: it is a bad answer, not an outage.
                if (visited.contains(next) || ++redirects > MAX_REDIRECTS) {
                    throw EngineException.badInput(server(call, call.uri()) + " redirected " + call.what()
                            + (visited.contains(next) ? " in a loop, back to " + withoutQuery(next)
                            : " more than " + MAX_REDIRECTS + " times (last to " + withoutQuery(next) + ")")
                            + "; a registry leads to its content in a redirect or two: the registry, or the proxy or"
                            + " storage in front of it, is misconfigured. Tell its administrator");
                }
                // Credentials stay with the registry: storage behind a redirect gets a pre-signed URL, not them.
                sameHost = sameHost && next.getScheme().equals(call.uri().getScheme())
                        && Hosts.registryOf(next).equals(Hosts.registryOf(call.uri()));
                uri = next;
                attempt--;
                continue;
            }
            return response;
        }
    }

    private HttpRequest request(Call call, URI uri, String authorization, boolean sameHost, Pace pace)
            throws IOException {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri)
                .method(call.method(), call.body() == Body.NONE ? call.body().publisher()
                        : new CountedBody(call.body().publisher(), pace))
                // h2c upgrade confuses plain-HTTP registries; HTTP/2 is negotiated over TLS only.
                .version("https".equals(uri.getScheme()) ? HttpClient.Version.HTTP_2 : HttpClient.Version.HTTP_1_1)
                .header("User-Agent", userAgent);
        // A login the call carries itself (a token service's) stays with the host it was meant for, too.
        call.headers().forEach((name, value) -> {
            if (sameHost || !name.equalsIgnoreCase("Authorization")) {
                b.header(name, value);
            }
        });
        // Pre-emptive rather than through java.net.Authenticator, which would also take over the registry's 401s.
        // The JDK keeps it from the server: it goes to the proxy, or into the CONNECT of an https tunnel only.
        HttpProxy.forUri(proxies, uri).flatMap(HttpProxy::proxyAuthorization)
                .ifPresent(value -> b.header("Proxy-Authorization", value));
        if (authorization != null && !call.headers().containsKey("Authorization")) {
            b.header("Authorization", authorization);
        }
        return b.build();
    }

    /**
     * Sends the request and waits for the answer's headers as long as the pace allows: the read timeout, started
     * again while the request body moves, and a document's overall limit. Past it the exchange is cancelled and the
     * stall is an OUTAGE that is not retried: a server that accepted the request and then said nothing would most
     * likely say nothing again, and each try would cost the whole timeout once more.
     */
    private <T> HttpResponse<T> exchange(HttpRequest request, HttpResponse.BodyHandler<T> handler, Pace pace,
                                         Call call, URI uri, HttpProxy proxy)
            throws IOException, InterruptedException {
        CompletableFuture<HttpResponse<T>> answer = http.sendAsync(request, handler);
        try {
            while (true) {
                long left = pace.nanosLeft();
                if (left <= 0) {
                    answer.cancel(true);
                    throw stalledAnswer(call, uri, pace, proxy);
                }
                try {
                    HttpResponse<T> response = answer.get(left, TimeUnit.NANOSECONDS);
                    pace.answered();
                    return response;
                } catch (TimeoutException notYet) {
                    // the upload may have started the window again; the loop looks
                }
            }
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() instanceof CompletionException c && c.getCause() != null
                    ? c.getCause() : e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            throw new IOException(cause);
        } catch (InterruptedException e) {
            answer.cancel(true);
            throw e;
        }
    }

    private static String server(Call call, URI uri) {
        return (call.registry() == null ? "the server " : "registry ") + Hosts.registryOf(uri);
    }

    private static String via(HttpProxy proxy) {
        return proxy == null ? "" : " (through the proxy " + proxy.address() + ")";
    }

    /** A URI for messages: without its query, where storage puts the signature of a pre-signed URL. */
    private static String withoutQuery(URI uri) {
        return uri.getScheme() + "://" + uri.getRawAuthority() + (uri.getRawPath() == null ? "" : uri.getRawPath());
    }

    /** The error for a request that got no answer (no status line and headers) within its pace. */
    private static EngineException stalledAnswer(Call call, URI uri, Pace pace, HttpProxy proxy) {
        String who = server(call, uri) + via(proxy);
        String read = Pace.shown(pace.readTimeout());
        if (pace.overallReached()) {
            return EngineException.outage(who + " did not answer within " + Pace.shown(pace.documentTimeout())
                    + " when asked to " + call.what() + "; an answer this small takes seconds: check the registry,"
                    + " or raise the document timeout", null);
        }
        if (call.body() != Body.NONE && !pace.uploadComplete()) {
            return EngineException.outage(who + " took in fewer than " + Pace.LOW_SPEED_BYTES + " bytes in " + read
                    + " of the request to " + call.what() + " (" + pace.uploadedBytes() + " bytes sent); check the"
                    + " registry and the network to it" + (call.body().replayable() ? ""
                    : ", and the source of the bytes") + ", or raise the read timeout", null);
        }
        return EngineException.outage(who + " sent nothing for " + Pace.shown(pace.waited()) + " when asked to "
                + call.what()
                + (call.body() != Body.NONE ? " (after taking in all " + pace.uploadedBytes() + " bytes)" : "")
                + "; it accepted the request but did not answer: check the registry, or raise the read timeout",
                null);
    }

    /** The error for an answer whose body stalled within its pace. */
    private static EngineException stalledBody(Call call, URI uri, Pace pace, HttpProxy proxy) {
        String who = server(call, uri) + via(proxy);
        long got = pace.downloadedBytes();
        if (pace.overallReached()) {
            return EngineException.outage(who + " took more than " + Pace.shown(pace.documentTimeout()) + " to send"
                    + " its answer to " + call.what() + " (" + got + " bytes so far); an answer this small takes"
                    + " seconds: check the registry, or raise the document timeout", null);
        }
        String read = Pace.shown(pace.readTimeout());
        long recent = pace.windowBytes();
        return EngineException.outage(who + (recent == 0 ? " sent nothing for " + read : " sent only " + recent
                + " bytes in " + read + ", fewer than " + Pace.LOW_SPEED_BYTES + ",") + " in its answer to "
                + call.what() + " (" + got + " bytes so far); check the registry and the network to it, or raise the"
                + " read timeout", null);
    }

    private static String describe(IOException e) {
        if (e instanceof ConnectException) {
            return "refused the connection";
        }
        if (e instanceof HttpTimeoutException) {
            return "did not answer in time";
        }
        String m = e.getMessage();
        return "broke the connection (" + e.getClass().getSimpleName() + (m == null ? "" : ": " + m) + ")";
    }

    /** An EngineException behind an IOException, e.g. a digest mismatch found while streaming a request body. */
    static EngineException engineCause(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof EngineException ee) {
                return ee;
            }
        }
        return null;
    }

    static void discard(HttpResponse<InputStream> response) {
        try (InputStream in = response.body()) {
            in.readNBytes(64 * 1024);
        } catch (IOException | RuntimeException ignored) {
            // the connection is dropped instead of reused; nothing is lost
        }
    }

    private static void sleep(java.time.Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw EngineException.outage("interrupted while waiting to retry", e);
        }
    }

    /** Reads a small response body (an error, a tag list, a manifest) up to the limit. */
    static byte[] readSmall(HttpResponse<InputStream> response, int limit, String what) {
        try (InputStream in = response.body()) {
            byte[] bytes = in.readNBytes(limit + 1);
            if (bytes.length > limit) {
                throw EngineException.badInput("the registry's answer to " + what + " is larger than " + limit
                        + " bytes; that is not what a registry sends here");
            }
            return bytes;
        } catch (IOException e) {
            throw EngineException.outage("reading the registry's answer to " + what + " failed: " + e.getMessage(), e);
        }
    }

    static List<String> list(String... items) {
        return new ArrayList<>(List.of(items));
    }
}
