package io.jenkins.plugins.immutable.registry;

import io.jenkins.plugins.immutable.EngineException;
import java.io.IOException;
import java.net.http.HttpResponse;

/**
 * The transport's log of every exchange through {@link RequestLog}: method, URL (redacted), status or failure, time
 * taken and the proxy, if any. It sees each attempt, so a retried request is logged once per try; headers and bodies,
 * where the secrets are, are never written.
 */
final class RequestLogging<T> implements Attempt<T> {

    private final Attempt<T> inner;

    RequestLogging(Attempt<T> inner) {
        this.inner = inner;
    }

    @Override
    public HttpResponse<T> send(Hop hop) throws IOException, InterruptedException {
        long started = System.nanoTime();
        try {
            HttpResponse<T> response = inner.send(hop);
            RequestLog.answered(hop.call().method(), hop.uri(), response.statusCode(), started, hop.via());
            return response;
        } catch (IOException | EngineException e) {
            RequestLog.failed(hop.call().method(), hop.uri(), e, started, hop.via());
            throw e;
        }
    }
}
