package io.jenkins.plugins.immutable.deploy;

import java.util.List;
import java.util.Map;

/**
 * What a router does now for one environment.
 *
 * @param weights the share of new requests per track, in percent; empty when the router cannot tell
 * @param servers the router's entries, one per instance slot it knows (empty for routers without entries)
 */
public record Routing(Map<Track, Integer> weights, List<Server> servers) {

    /** For routers that cannot tell. */
    public static final Routing UNKNOWN = new Routing(Map.of(), List.of());

    public Routing {
        weights = Map.copyOf(weights);
        servers = List.copyOf(servers);
    }

    /**
     * One router entry.
     *
     * @param name    the router's name for it ({@code green1})
     * @param track   the track it belongs to, {@code null} when its name says none
     * @param address {@code host:port} it forwards to
     * @param weight  its effective weight (0 when it takes no new requests)
     * @param state   the router's word for its state ({@code ready}, {@code drain}, {@code maint}, {@code UP}...)
     * @param sessions requests or connections open through it now
     * @param routed  whether the router is set to send it requests (ready, with a weight), whether or not it passes
     *                its health check at this moment
     */
    public record Server(String name, Track track, String address, int weight, String state, int sessions,
                         boolean routed) {

        /** Whether it takes new requests. */
        public boolean takesTraffic() {
            return weight > 0;
        }
    }
}
