package io.jenkins.plugins.immutable.registry;

import io.jenkins.plugins.immutable.EngineException;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The transport's innermost layer: the exchange itself, at a pace. It builds the request (the hop's headers, the
 * User-Agent, a body counted as it goes out), sends it, and waits for the answer as long as the request's {@link Pace}
 * allows: the read timeout, started again while the request body moves, and a document's overall limit. The answer's
 * body is read at the same pace. Past it the exchange is cancelled and the stall is an OUTAGE that is not retried: a
 * server that accepted the request and then said nothing would most likely say nothing again, and each try would cost
 * the whole timeout once more.
 */
final class PacedExchange<T> implements Attempt<T> {

    /** How an answer's body is read: the handler for one attempt, reading at the attempt's pace. */
    @FunctionalInterface
    interface Bodies<T> {
        HttpResponse.BodyHandler<T> handler(Hop hop, Pace pace);
    }

    /** Bodies read as streams whose every read waits no longer than the pace allows. */
    static final Bodies<InputStream> STREAMS = (hop, pace) -> PacedBody.handler(pace, () -> stalledBody(hop, pace));

    /**
     * Bodies as the client's own flow of buffers, to hand on to another request without copying (a blob streamed
     * from one registry into another); their pace is the pace of the request they are handed to.
     */
    static final Bodies<Flow.Publisher<List<ByteBuffer>>> FLOWS = (hop, pace) -> HttpResponse.BodyHandlers.ofPublisher();

    private final HttpClients http;
    private final String userAgent;
    private final Duration readTimeout;
    private final Duration documentTimeout;
    private final Bodies<T> bodies;

    PacedExchange(HttpClients http, String userAgent, Duration readTimeout, Duration documentTimeout, Bodies<T> bodies) {
        this.http = http;
        this.userAgent = userAgent;
        this.readTimeout = readTimeout;
        this.documentTimeout = documentTimeout;
        this.bodies = bodies;
    }

    @Override
    public HttpResponse<T> send(Hop hop) throws IOException, InterruptedException {
        Pace pace = new Pace(readTimeout, hop.call().smallDocument() ? documentTimeout : null);
        CompletableFuture<HttpResponse<T>> answer = http.forUri(hop.uri()).sendAsync(request(hop, pace),
                bodies.handler(hop, pace));
        try {
            while (true) {
                long left = pace.nanosLeft();
                if (left <= 0) {
                    answer.cancel(true);
                    throw stalledAnswer(hop, pace);
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

    private HttpRequest request(Hop hop, Pace pace) {
        Call call = hop.call();
        HttpRequest.BodyPublisher body;
        try {
            body = call.body() == Call.Body.NONE ? call.body().publisher()
                    : new CountedBody(call.body().publisher(), pace);
        } catch (IOException e) {
            throw EngineException.badInput("cannot read what to send for " + call.what() + ": " + e.getMessage());
        }
        HttpRequest.Builder b = HttpRequest.newBuilder(hop.uri())
                .method(call.method(), body)
                // h2c upgrade confuses plain-HTTP registries; HTTP/2 is negotiated over TLS only.
                .version("https".equals(hop.uri().getScheme()) ? HttpClient.Version.HTTP_2 : HttpClient.Version.HTTP_1_1)
                .header("User-Agent", userAgent);
        hop.headers().forEach(b::header);
        return b.build();
    }

    /** The error for a request that got no answer (no status line and headers) within its pace. */
    private static EngineException stalledAnswer(Hop hop, Pace pace) {
        Call call = hop.call();
        String who = hop.server() + hop.via();
        String read = Pace.shown(pace.readTimeout());
        if (pace.overallReached()) {
            return EngineException.outage(who + " did not answer within " + Pace.shown(pace.documentTimeout())
                    + " when asked to " + call.what() + "; an answer this small takes seconds: check the registry,"
                    + " or raise the document timeout", null);
        }
        if (call.body() != Call.Body.NONE && !pace.uploadComplete()) {
            return EngineException.outage(who + " took in fewer than " + Pace.LOW_SPEED_BYTES + " bytes in " + read
                    + " of the request to " + call.what() + " (" + pace.uploadedBytes() + " bytes sent); check the"
                    + " registry and the network to it" + (call.body().replayable() ? ""
                    : ", and the source of the bytes") + ", or raise the read timeout", null);
        }
        return EngineException.outage(who + " sent nothing for " + Pace.shown(pace.waited()) + " when asked to "
                + call.what()
                + (call.body() != Call.Body.NONE ? " (after taking in all " + pace.uploadedBytes() + " bytes)" : "")
                + "; it accepted the request but did not answer: check the registry, or raise the read timeout",
                null);
    }

    /** The error for an answer whose body stalled within its pace. */
    private static EngineException stalledBody(Hop hop, Pace pace) {
        String who = hop.server() + hop.via();
        long got = pace.downloadedBytes();
        if (pace.overallReached()) {
            return EngineException.outage(who + " took more than " + Pace.shown(pace.documentTimeout()) + " to send"
                    + " its answer to " + hop.call().what() + " (" + got + " bytes so far); an answer this small takes"
                    + " seconds: check the registry, or raise the document timeout", null);
        }
        String read = Pace.shown(pace.readTimeout());
        long recent = pace.windowBytes();
        return EngineException.outage(who + (recent == 0 ? " sent nothing for " + read : " sent only " + recent
                + " bytes in " + read + ", fewer than " + Pace.LOW_SPEED_BYTES + ",") + " in its answer to "
                + hop.call().what() + " (" + got + " bytes so far); check the registry and the network to it, or raise"
                + " the read timeout", null);
    }
}
