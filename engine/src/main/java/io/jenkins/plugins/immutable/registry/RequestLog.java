package io.jenkins.plugins.immutable.registry;

import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * The engine's log of outbound HTTP (registries, token services, Prometheus), through java.util.logging: every
 * exchange at FINE (method, URL, status, time taken), every retry at INFO. What it writes carries no secret: the URL
 * loses its user info, and the values of query parameters that may be one (a pre-signed URL's signature, a token, an
 * upload's opaque state) are replaced by {@code REDACTED}; headers and bodies are never written.
 */
public final class RequestLog {

    /** The logger of outbound HTTP: {@code io.jenkins.plugins.immutable.http}. */
    public static final Logger LOGGER = Logger.getLogger("io.jenkins.plugins.immutable.http");

    /** Query parameters whose values may be secrets: signatures, tokens, credentials, opaque upload state. */
    private static final Pattern SECRET_PARAMETER = Pattern.compile(
            "(?i).*(sig|token|auth|credential|key|secret|pass|session|code|state|x-amz-|x-goog-|policy).*");

    private RequestLog() {
    }

    /** An exchange that got an answer. */
    public static void answered(String method, URI uri, int status, long startNanos, String via) {
        if (LOGGER.isLoggable(Level.FINE)) {
            LOGGER.log(Level.FINE, "{0} {1} -> HTTP {2} in {3} ms{4}", new Object[] {method, redact(uri),
                    Integer.toString(status), Long.toString(elapsedMillis(startNanos)), via == null ? "" : via});
        }
    }

    /** An exchange that got no answer: the connection failed, timed out, or was refused. */
    public static void failed(String method, URI uri, Throwable error, long startNanos, String via) {
        if (LOGGER.isLoggable(Level.FINE)) {
            LOGGER.log(Level.FINE, "{0} {1} -> no answer after {2} ms{3}: {4}", new Object[] {method, redact(uri),
                    Long.toString(elapsedMillis(startNanos)), via == null ? "" : via, describe(error)});
        }
    }

    /** A registry's 401 challenge, answered by sending the request again with a login for {@code registry}. */
    static void challenged(String method, URI uri, String registry) {
        LOGGER.log(Level.FINE, "{0} {1}: challenged, sending it again with a login for {2}", new Object[] {method,
                redact(uri), registry});
    }

    /** A request tried again; {@code why} is a message for people, free of secrets. */
    public static void retry(String method, URI uri, String why, Duration wait, int nextAttempt, int attempts) {
        LOGGER.log(Level.INFO, "retrying {0} {1} in {2} ms (attempt {3} of {4}): {5}", new Object[] {method,
                redact(uri), Long.toString(wait.toMillis()), Integer.toString(nextAttempt), Integer.toString(attempts),
                why});
    }

    /**
     * The URI for a log: scheme, host, port and path, without user info, with the values of query parameters that may
     * be secrets replaced.
     */
    public static String redact(URI uri) {
        if (uri == null) {
            return "null";
        }
        if (uri.isOpaque() || uri.getRawAuthority() == null) {
            return uri.getScheme() == null ? "(a relative URI)" : uri.getScheme() + ":(opaque)";
        }
        StringBuilder out = new StringBuilder();
        out.append(uri.getScheme()).append("://").append(uri.getHost() == null ? "(host)" : hostOf(uri));
        if (uri.getPort() != -1) {
            out.append(':').append(uri.getPort());
        }
        if (uri.getRawPath() != null) {
            out.append(uri.getRawPath());
        }
        String query = uri.getRawQuery();
        if (query != null && !query.isEmpty()) {
            out.append('?');
            String[] pairs = query.split("&", -1);
            for (int i = 0; i < pairs.length; i++) {
                if (i > 0) {
                    out.append('&');
                }
                int eq = pairs[i].indexOf('=');
                String name = eq < 0 ? pairs[i] : pairs[i].substring(0, eq);
                if (eq < 0) {
                    out.append(name);
                } else if (SECRET_PARAMETER.matcher(name.toLowerCase(Locale.ROOT)).matches()) {
                    out.append(name).append("=REDACTED");
                } else {
                    out.append(pairs[i]);
                }
            }
        }
        return out.toString();
    }

    private static String hostOf(URI uri) {
        String host = uri.getHost();
        return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    }

    /** An exception for the log: its class and message, never its cause chain's other text. */
    private static String describe(Throwable error) {
        String message = error.getMessage();
        return error.getClass().getSimpleName() + (message == null || message.isBlank() ? "" : " " + message);
    }

    private static long elapsedMillis(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }
}
