package io.jenkins.plugins.immutable.registry;

import java.net.http.HttpResponse;

/**
 * A layer of the {@link Transport}: sends a hop and returns its answer, whatever its status, having dealt with its one
 * concern (redirects, authentication, the proxy's login, retries); what it cannot deal with is a clear
 * {@link io.jenkins.plugins.immutable.EngineException}. The caller closes the answer's body.
 */
@FunctionalInterface
interface Sender<T> {
    HttpResponse<T> send(Hop hop);
}
