package io.jenkins.plugins.immutable.cli;

import io.jenkins.plugins.immutable.registry.HttpProxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The HTTP proxies the environment names, read as curl reads them: {@code https_proxy} (or {@code HTTPS_PROXY}) for
 * https, {@code http_proxy} (or {@code HTTP_PROXY}) for http, {@code all_proxy}/{@code ALL_PROXY} for a scheme without
 * its own, the lower-case name first; {@code no_proxy}/{@code NO_PROXY} for hosts reached directly. A proxy is
 * {@code http://[user:password@]host:port}, user and password URL-encoded; the password is never printed.
 */
final class ProxyEnvironment {

    private ProxyEnvironment() {
    }

    /** The proxies for the engine: none, one for both schemes, or one per scheme when they differ. */
    static List<HttpProxy> read(Map<String, String> env) {
        String[] https = first(env, "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY");
        String[] http = first(env, "http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY");
        String noProxy = first(env, "no_proxy", "NO_PROXY")[1];
        List<HttpProxy> proxies = new ArrayList<>();
        if (https[1] != null && http[1] != null && https[1].strip().equals(http[1].strip())) {
            proxies.add(HttpProxy.parse(https[1], https[0]).withNoProxy(noProxy));
            return List.copyOf(proxies);
        }
        if (https[1] != null) {
            proxies.add(HttpProxy.parse(https[1], https[0]).withNoProxy(noProxy).onlyFor("https"));
        }
        if (http[1] != null) {
            proxies.add(HttpProxy.parse(http[1], http[0]).withNoProxy(noProxy).onlyFor("http"));
        }
        return List.copyOf(proxies);
    }

    /** The first variable of {@code names} that is set and not blank: {name, value}, or {null, null}. */
    private static String[] first(Map<String, String> env, String... names) {
        for (String name : names) {
            String value = env.get(name);
            if (value != null && !value.isBlank()) {
                return new String[] {name, value};
            }
        }
        return new String[] {null, null};
    }
}
