package io.jenkins.plugins.immutable.registry;

import io.jenkins.plugins.immutable.EngineException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The transport's outermost layer: redirects of GET and HEAD requests followed by hand, so that credentials never go
 * to another host (blob storage behind a redirect gets a pre-signed URL, not them; see {@link Hop#redirectedTo}). A
 * loop, or a longer chain than a registry needs, is a bad answer rather than an outage: retrying it only repeats it.
 */
final class Redirects<T> implements Sender<T> {

    static final int MAX_REDIRECTS = 5;

    private final Sender<T> inner;
    private final List<HttpProxy> proxies;
    private final Consumer<HttpResponse<T>> discard;

    Redirects(Sender<T> inner, List<HttpProxy> proxies, Consumer<HttpResponse<T>> discard) {
        this.inner = inner;
        this.proxies = List.copyOf(proxies);
        this.discard = discard;
    }

    @Override
    public HttpResponse<T> send(Hop first) {
        Call call = first.call();
        Set<URI> visited = new HashSet<>();
        int redirects = 0;
        for (Hop hop = first; ; ) {
            HttpResponse<T> response = inner.send(hop);
            if (!isRedirect(call, response)) {
                return response;
            }
            URI next;
            try {
                next = hop.uri().resolve(response.headers().firstValue("Location").orElseThrow());
            } catch (IllegalArgumentException e) {
                discard.accept(response);
                throw EngineException.badInput(hop.server() + " redirected " + call.what() + " to a Location"
                        + " that is no URI; the registry, or what is in front of it, is misconfigured");
            }
            discard.accept(response);
            visited.add(hop.uri());
            if (visited.contains(next) || ++redirects > MAX_REDIRECTS) {
                throw EngineException.badInput(first.server() + " redirected " + call.what()
                        + (visited.contains(next) ? " in a loop, back to " + withoutQuery(next)
                        : " more than " + MAX_REDIRECTS + " times (last to " + withoutQuery(next) + ")")
                        + "; a registry leads to its content in a redirect or two: the registry, or the proxy or"
                        + " storage in front of it, is misconfigured. Tell its administrator");
            }
            hop = hop.redirectedTo(next, proxies);
        }
    }

    private static boolean isRedirect(Call call, HttpResponse<?> response) {
        int status = response.statusCode();
        return status >= 300 && status < 400 && status != 304 && response.headers().firstValue("Location").isPresent()
                && (call.method().equals("GET") || call.method().equals("HEAD"));
    }

    /** A URI for messages: without its query, where storage puts the signature of a pre-signed URL. */
    private static String withoutQuery(URI uri) {
        return uri.getScheme() + "://" + uri.getRawAuthority() + (uri.getRawPath() == null ? "" : uri.getRawPath());
    }
}
