package io.jenkins.plugins.immutable.registry;

import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.ProgressListener;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.function.Consumer;
import javax.net.ssl.SSLException;

/**
 * The transport's retries: an attempt that got no answer (the connection was refused or broke) or a
 * {@link RetryPolicy#isRetryableStatus retryable status} is tried again after a backoff, or the wait a
 * {@code Retry-After} asks for, while the {@link RetryPolicy} allows and the body can be sent again. What waiting will
 * not fix is not retried: a TLS failure (BAD_INPUT), a broken source of the body, a stall (the exchange's OUTAGE). An
 * interrupt, while waiting for an answer or between attempts, ends the request at once and leaves the thread's
 * interrupt flag set. Each retry is told to the listener and logged.
 */
final class Retries<T> implements Sender<T> {

    private final Attempt<T> inner;
    private final RetryPolicy policy;
    private final ProgressListener listener;
    private final Consumer<HttpResponse<T>> discard;

    Retries(Attempt<T> inner, RetryPolicy policy, ProgressListener listener, Consumer<HttpResponse<T>> discard) {
        this.inner = inner;
        this.policy = policy;
        this.listener = listener;
        this.discard = discard;
    }

    @Override
    public HttpResponse<T> send(Hop hop) {
        for (int attempt = 1; ; attempt++) {
            Duration wait;
            try {
                HttpResponse<T> response = inner.send(hop);
                if (!RetryPolicy.isRetryableStatus(response.statusCode()) || !mayRetry(hop, attempt)) {
                    return response;
                }
                wait = afterStatus(hop, response, attempt);
            } catch (IOException e) {
                wait = afterNoAnswer(hop, e, attempt);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw EngineException.outage("interrupted while trying to " + hop.call().what(), e);
            }
            RetryPolicy.pause(wait);
        }
    }

    private boolean mayRetry(Hop hop, int attempt) {
        return attempt < policy.attempts() && hop.call().body().replayable();
    }

    /** The wait before trying a retryable status again; a server that asks for too long a wait is an OUTAGE now. */
    private Duration afterStatus(Hop hop, HttpResponse<T> response, int attempt) {
        int status = response.statusCode();
        Duration wait = RetryPolicy.retryAfter(response.headers().firstValue("Retry-After"))
                .orElse(policy.backoff(attempt));
        discard.accept(response);
        String what = hop.call().what();
        String registry = "registry " + Hosts.registryOf(hop.uri());
        if (wait.compareTo(RetryPolicy.MAX_RETRY_AFTER) > 0) {
            throw EngineException.outage(registry + " answered HTTP " + status + " to " + what + " and asks to wait "
                    + wait.toSeconds() + " s; try again then", null);
        }
        announce(hop, registry + " answered HTTP " + status + " to " + what, "HTTP " + status + " to " + what, wait,
                attempt);
        return wait;
    }

    /** The wait before trying again an attempt that got no answer, or the error when it is not tried again. */
    private Duration afterNoAnswer(Hop hop, IOException e, int attempt) {
        Call call = hop.call();
        EngineException cause = engineCause(e);
        if (cause != null) {
            throw cause;
        }
        if (e instanceof SSLException || e.getCause() instanceof SSLException) {
            throw new EngineException(EngineException.Kind.BAD_INPUT, "TLS with " + Hosts.registryOf(hop.uri())
                    + " failed for " + call.what() + ": " + e.getMessage() + ". If this registry serves plain HTTP,"
                    + " mark it insecure; if its certificate is from a private CA, add the CA to the trusted"
                    + " certificates", e);
        }
        HttpProxy proxy = hop.proxy();
        // Through a proxy, a refused connection is the proxy's: the client never dials the server itself.
        String who = proxy == null ? hop.server() : e instanceof ConnectException
                ? "the proxy " + proxy.address() + " (on the way to " + hop.server() + ")"
                : hop.server() + " (through the proxy " + proxy.address() + ")";
        String failure = who + ": " + describe(e) + " during " + call.what();
        if (!mayRetry(hop, attempt)) {
            throw EngineException.outage("could not " + call.what() + ": " + who + " " + describe(e)
                    + (attempt > 1 ? " (after " + attempt + " attempts)" : "")
                    + "; check that it is running and reachable" + (proxy == null ? ""
                    : ", and that the proxy settings (HTTPS_PROXY, HTTP_PROXY, NO_PROXY) name the right one")
                    + ", then try again", e);
        }
        Duration wait = policy.backoff(attempt);
        announce(hop, failure, failure, wait, attempt);
        return wait;
    }

    private void announce(Hop hop, String toListener, String toLog, Duration wait, int attempt) {
        listener.line(toListener + "; retrying in " + wait.toMillis() + " ms (attempt " + (attempt + 1) + " of "
                + policy.attempts() + ")");
        RequestLog.retry(hop.call().method(), hop.uri(), toLog, wait, attempt + 1, policy.attempts());
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
    private static EngineException engineCause(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof EngineException ee) {
                return ee;
            }
        }
        return null;
    }
}
