package io.jenkins.plugins.immutable.config;

import hudson.ProxyConfiguration;
import io.jenkins.plugins.immutable.registry.HttpProxy;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import jenkins.model.Jenkins;

/**
 * Jenkins' own proxy (Manage Jenkins > System > HTTP Proxy Configuration) as the engine's {@link HttpProxy}: every
 * registry, token service and Prometheus request of the plugin goes through it, on the controller and on agents.
 */
public final class JenkinsProxy {

    private JenkinsProxy() {
    }

    /** The configured proxy, or empty when Jenkins reaches the network directly. */
    public static Optional<HttpProxy> current() {
        Jenkins jenkins = Jenkins.getInstanceOrNull();
        return jenkins == null ? Optional.empty() : of(jenkins.getProxy());
    }

    static Optional<HttpProxy> of(ProxyConfiguration p) {
        if (p == null || p.getName() == null || p.getName().isBlank() || p.getPort() <= 0) {
            return Optional.empty();
        }
        HttpProxy proxy = HttpProxy.of(p.getName().strip(), p.getPort());
        String user = p.getUserName();
        if (user != null && !user.isBlank()) {
            proxy = proxy.withCredentials(user.strip(), p.getSecretPassword() == null ? ""
                    : p.getSecretPassword().getPlainText());
        }
        List<String> exempt = noProxy(p.getNoProxyHost());
        if (!exempt.isEmpty()) {
            proxy = proxy.withNoProxy(String.join(",", exempt));
        }
        return Optional.of(proxy);
    }

    /**
     * Jenkins' "No Proxy Host" lines (one pattern a line, {@code *} as a wildcard) as curl-style entries: a host name
     * pattern as it is ({@code *.internal} covers the domain's hosts), an address pattern such as {@code 192.168.*} as
     * its CIDR range.
     */
    static List<String> noProxy(String field) {
        if (field == null) {
            return List.of();
        }
        return Arrays.stream(field.split("[\\s,;|]+")).map(String::strip).filter(s -> !s.isEmpty())
                .map(JenkinsProxy::cidrOf).toList();
    }

    private static String cidrOf(String pattern) {
        if (!pattern.matches("(\\d{1,3}\\.){1,3}\\*")) {
            return pattern;
        }
        String[] known = pattern.substring(0, pattern.length() - 2).split("\\.");
        StringBuilder address = new StringBuilder(String.join(".", known));
        for (int i = known.length; i < 4; i++) {
            address.append(".0");
        }
        return address + "/" + known.length * 8;
    }
}
