package io.jenkins.plugins.immutable.registry;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link Call} on its way through the transport's layers, to one URI: the call's own, or where a redirect led. It
 * carries the headers the layers add (the registry's login, the proxy's), whether the registry's login may go with it
 * (not once a redirect left the registry's host), and the proxy it goes through, if any.
 */
record Hop(Call call, URI uri, Map<String, String> headers, boolean credentials, HttpProxy proxy) {

    Hop {
        headers = Map.copyOf(headers);
    }

    /** The call's first hop, to its own URI with its own headers. */
    static Hop first(Call call, List<HttpProxy> proxies) {
        return new Hop(call, call.uri(), call.headers(), true, HttpProxy.forUri(proxies, call.uri()).orElse(null));
    }

    /**
     * The hop a redirect leads to. Credentials stay with the registry: storage behind a redirect gets a pre-signed URL,
     * not them, and a login the call carries itself (a token service's) stays with the host it was meant for, too.
     */
    Hop redirectedTo(URI next, List<HttpProxy> proxies) {
        boolean sameOrigin = next.getScheme().equals(call.uri().getScheme())
                && Hosts.registryOf(next).equals(Hosts.registryOf(call.uri()));
        Map<String, String> kept = new LinkedHashMap<>(headers);
        boolean keep = credentials && sameOrigin;
        if (!keep) {
            kept.keySet().removeIf(name -> name.equalsIgnoreCase("Authorization"));
        }
        return new Hop(call, next, kept, keep, HttpProxy.forUri(proxies, next).orElse(null));
    }

    /** This hop with one more header; one the call set itself is kept. */
    Hop withHeader(String name, String value) {
        if (headers.keySet().stream().anyMatch(name::equalsIgnoreCase)) {
            return this;
        }
        Map<String, String> h = new LinkedHashMap<>(headers);
        h.put(name, value);
        return new Hop(call, uri, h, credentials, proxy);
    }

    /** Who answers this hop, for messages: "registry host:port", or "the server host:port" for a token service. */
    String server() {
        return server(call, uri);
    }

    static String server(Call call, URI uri) {
        return (call.registry() == null ? "the server " : "registry ") + Hosts.registryOf(uri);
    }

    /** The proxy on the way, for messages and the log: empty without one. */
    String via() {
        return proxy == null ? "" : " (through the proxy " + proxy.address() + ")";
    }
}
