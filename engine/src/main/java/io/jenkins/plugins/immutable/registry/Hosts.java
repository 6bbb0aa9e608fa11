package io.jenkins.plugins.immutable.registry;

import java.net.URI;
import java.util.Locale;
import java.util.Set;

/** Where a registry name points: its API base URI, and whether plain HTTP is allowed for it. */
final class Hosts {

    private final Set<String> insecure;
    private final boolean loopbackInsecure;

    Hosts(Set<String> insecure, boolean loopbackInsecure) {
        this.insecure = Set.copyOf(insecure);
        this.loopbackInsecure = loopbackInsecure;
    }

    /** The registry's API base, {@code https://host[:port]} (or http for insecure ones); Docker Hub's API host. */
    URI base(String registry) {
        String host = registry.equals("docker.io") ? "registry-1.docker.io" : registry;
        return URI.create((isInsecure(registry) ? "http://" : "https://") + host);
    }

    boolean isInsecure(String registry) {
        return insecure.contains(registry) || insecure.contains(hostOf(registry))
                || (loopbackInsecure && isLoopback(hostOf(registry)));
    }

    static String hostOf(String registry) {
        if (registry.startsWith("[")) {
            return registry.substring(0, registry.indexOf(']') + 1);
        }
        int colon = registry.indexOf(':');
        return colon < 0 ? registry : registry.substring(0, colon);
    }

    static boolean isLoopback(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        return h.equals("localhost") || h.endsWith(".localhost") || h.equals("[::1]")
                || h.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");
    }

    /** The registry name (host[:port]) of a URI, as references write it. */
    static String registryOf(URI uri) {
        return uri.getPort() < 0 ? uri.getHost() : uri.getHost() + ":" + uri.getPort();
    }
}
