package io.jenkins.plugins.immutable.registry;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.function.Consumer;

/**
 * The transport's layer for a registry's login: the {@link Authenticator}'s Authorization (Basic, or a bearer token
 * for the call's scopes) goes pre-emptively once the registry's scheme is known; a 401 is learnt from once and the
 * request sent again with what it asks for, and a 401 that the credentials cannot fix is an "unauthorized" error
 * naming the registry and the credentials' user. Hops without the registry's login (a token service's, or past a
 * redirect to another host) pass through untouched.
 */
final class Authentication<T> implements Sender<T> {

    private final Sender<T> inner;
    private final Authenticator auth;
    private final Consumer<HttpResponse<T>> discard;

    Authentication(Sender<T> inner, Authenticator auth, Consumer<HttpResponse<T>> discard) {
        this.inner = inner;
        this.auth = auth;
        this.discard = discard;
    }

    @Override
    public HttpResponse<T> send(Hop hop) {
        Call call = hop.call();
        if (!hop.credentials() || call.registry() == null) {
            return inner.send(hop);
        }
        String sent = auth.authorization(call.registry(), call.scopes());
        HttpResponse<T> response = inner.send(withLogin(hop, sent));
        if (response.statusCode() != 401) {
            return response;
        }
        List<String> challenge = response.headers().allValues("WWW-Authenticate");
        discard.accept(response);
        // A body read from a stream cannot be sent again, so its request gets no second try.
        if (call.body().replayable() && auth.onChallenge(call.registry(), call.scopes(), challenge, sent)) {
            RequestLog.challenged(call.method(), hop.uri(), call.registry());
            response = inner.send(withLogin(hop, auth.authorization(call.registry(), call.scopes())));
            if (response.statusCode() != 401) {
                return response;
            }
            discard.accept(response);
        }
        throw Authenticator.unauthorized(call.registry(), auth.credentialsFor(call.registry()),
                "HTTP 401 to " + call.what());
    }

    private static Hop withLogin(Hop hop, String authorization) {
        return authorization == null ? hop : hop.withHeader("Authorization", authorization);
    }
}
