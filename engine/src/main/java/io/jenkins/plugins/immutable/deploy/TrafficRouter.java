package io.jenkins.plugins.immutable.deploy;

import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.ProgressListener;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What sends an environment's requests to its instances: HAProxy in front of a Docker host (weights per server,
 * changed at run time), a Kubernetes Service (selector switch; replica ratio while split).
 */
public interface TrafficRouter {

    /** For messages: which router this is. */
    String describe();

    /**
     * Whether the router honours weights exactly (HAProxy). When it does not (a Kubernetes Service spreads requests
     * over ready pods), a split follows the replica counts, and the canary sizes its tracks to match the weights.
     */
    boolean splitsByWeight();

    /**
     * Sends new requests of {@code environment} to {@code instances}: each track gets its weight (percent, all weights
     * adding up to 100), shared equally by its instances. Tracks with weight 0 keep their instances warm with no new
     * traffic (a retained colour). Every other instance the router knows gets no new requests (it is draining).
     * Instances that receive traffic are switched on before others are switched off, so no request finds no server.
     */
    void route(String environment, List<Instance> instances, Map<Track, Integer> weights, ProgressListener listener);

    /**
     * Waits until {@code instances}, which {@link #route} no longer sends anything, finished their open requests (at
     * most {@code timeout}), then forgets them. They may be stopped afterwards.
     */
    void drain(String environment, List<Instance> instances, Duration timeout, ProgressListener listener);

    /** What the router does now. */
    Routing current(String environment);

    /** The router's name for an instance, as metrics label it (HAProxy's server name, e.g. {@code green1}). */
    String serverName(Instance instance);

    /**
     * No router: clients reach the instances directly (Swarm with host networking). It accepts only routes that send
     * everything to one track, so the strategies that split traffic refuse it with a clear message.
     */
    TrafficRouter NONE = new TrafficRouter() {
        @Override
        public String describe() {
            return "no router";
        }

        @Override
        public boolean splitsByWeight() {
            return false;
        }

        @Override
        public void route(String environment, List<Instance> instances, Map<Track, Integer> weights,
                          ProgressListener listener) {
            long live = weights.values().stream().filter(w -> w > 0).count();
            if (live > 1) {
                throw EngineException.badInput("environment " + environment + " has no traffic router, so traffic"
                        + " cannot be split " + weights + "; use the rolling strategy, or give the target a router"
                        + " (HAProxy for a Docker host, the Service for Kubernetes)");
            }
        }

        @Override
        public void drain(String environment, List<Instance> instances, Duration timeout, ProgressListener listener) {
        }

        @Override
        public Routing current(String environment) {
            return Routing.UNKNOWN;
        }

        @Override
        public String serverName(Instance instance) {
            return instance.name();
        }
    };
}
