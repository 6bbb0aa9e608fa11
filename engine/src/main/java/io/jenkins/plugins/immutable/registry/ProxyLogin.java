package io.jenkins.plugins.immutable.registry;

import java.net.http.HttpResponse;
import java.util.function.Consumer;

/**
 * The transport's layer for the proxy a hop goes through: its login goes with the request pre-emptively (rather than
 * through a {@link java.net.Authenticator}, which would also take over the registries' 401s; the JDK keeps the header
 * from the server: it goes to the proxy, or into the CONNECT of an https tunnel only), and the proxy turning the
 * request away for its login is final, with an error that says what to set.
 */
final class ProxyLogin<T> implements Sender<T> {

    private final Sender<T> inner;
    private final Consumer<HttpResponse<T>> discard;

    ProxyLogin(Sender<T> inner, Consumer<HttpResponse<T>> discard) {
        this.inner = inner;
        this.discard = discard;
    }

    @Override
    public HttpResponse<T> send(Hop hop) {
        HttpProxy proxy = hop.proxy();
        if (proxy == null) {
            return inner.send(hop);
        }
        HttpResponse<T> response = inner.send(proxy.proxyAuthorization()
                .map(login -> hop.withHeader("Proxy-Authorization", login)).orElse(hop));
        if (HttpProxy.isRefusal(response.statusCode(), response.headers())) {
            discard.accept(response);
            throw proxy.refused(hop.uri(), response.statusCode(), hop.call().what());
        }
        return response;
    }
}
