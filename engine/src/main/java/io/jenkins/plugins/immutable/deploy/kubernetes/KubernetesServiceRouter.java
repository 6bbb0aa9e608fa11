package io.jenkins.plugins.immutable.deploy.kubernetes;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.ProgressListener;
import io.jenkins.plugins.immutable.deploy.Instance;
import io.jenkins.plugins.immutable.deploy.Routing;
import io.jenkins.plugins.immutable.deploy.Track;
import io.jenkins.plugins.immutable.deploy.TrafficRouter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A Kubernetes Service named after the environment in front of its Deployments. When one track takes all traffic the
 * Service selects that track only (blue-green's switch is a selector change: instant, and a rollback is the same
 * change back). While traffic is split the Service selects the environment's every ready pod, so the split follows
 * the replica counts ({@link #splitsByWeight()} is false, and the canary sizes its tracks to match).
 */
public final class KubernetesServiceRouter implements TrafficRouter {

    private final KubernetesClient client;
    private final String namespace;
    private final int servicePort;
    private final int containerPort;

    public KubernetesServiceRouter(KubernetesClient client, String namespace, int servicePort, int containerPort) {
        this.client = Objects.requireNonNull(client, "client");
        this.namespace = Objects.requireNonNull(namespace, "namespace");
        this.servicePort = servicePort;
        this.containerPort = containerPort;
    }

    @Override
    public String describe() {
        return "Kubernetes Services in namespace " + namespace;
    }

    @Override
    public boolean splitsByWeight() {
        return false;
    }

    @Override
    public String serverName(Instance instance) {
        return instance.name();
    }

    @Override
    public void route(String environment, List<Instance> instances, Map<Track, Integer> weights,
                      ProgressListener listener) {
        List<Track> live = weights.entrySet().stream().filter(e -> e.getValue() > 0).map(Map.Entry::getKey).toList();
        Map<String, String> selector = new HashMap<>();
        selector.put(KubernetesTarget.ENVIRONMENT, environment);
        if (live.size() == 1) {
            selector.put(KubernetesTarget.TRACK, live.get(0).label());
        }
        try {
            Service current = client.services().inNamespace(namespace).withName(environment).get();
            if (current == null) {
                client.services().inNamespace(namespace).resource(new ServiceBuilder()
                        .withNewMetadata().withName(environment)
                        .withLabels(Map.of(KubernetesTarget.ENVIRONMENT, environment)).endMetadata()
                        .withNewSpec().withSelector(selector).addNewPort().withName("http").withPort(servicePort)
                        .withTargetPort(new IntOrString(containerPort)).endPort().endSpec().build()).create();
            } else if (!selector.equals(current.getSpec().getSelector())) {
                client.services().inNamespace(namespace).withName(environment).edit(s -> {
                    s.getSpec().setSelector(selector);
                    return s;
                });
            }
        } catch (KubernetesClientException e) {
            throw EngineException.outage("cannot point Service " + environment + " in namespace " + namespace
                    + " at " + selector + " (" + e.getMessage() + "); check the credentials' RBAC rights on"
                    + " Services", e);
        }
        listener.line("Service " + environment + " selects " + (live.size() == 1 ? live.get(0).label()
                : "every track (split by replica counts: " + weights + ")"));
    }

    @Override
    public void drain(String environment, List<Instance> instances, Duration timeout, ProgressListener listener) {
        // Pods leaving a Service's selection lose their endpoints before they get SIGTERM: Kubernetes drains them.
    }

    @Override
    public Routing current(String environment) {
        Service service = client.services().inNamespace(namespace).withName(environment).get();
        if (service == null) {
            return Routing.UNKNOWN;
        }
        Map<String, String> selector = service.getSpec().getSelector();
        Map<Track, Integer> ready = new EnumMap<>(Track.class);
        List<Routing.Server> servers = new ArrayList<>();
        int total = 0;
        for (Pod pod : client.pods().inNamespace(namespace).withLabels(selector).list().getItems()) {
            Track track = pod.getMetadata().getLabels().containsKey(KubernetesTarget.TRACK)
                    ? Track.parse(pod.getMetadata().getLabels().get(KubernetesTarget.TRACK)) : null;
            boolean isReady = pod.getStatus() != null && pod.getStatus().getConditions().stream()
                    .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
            String ip = pod.getStatus() == null ? null : pod.getStatus().getPodIP();
            servers.add(new Routing.Server(pod.getMetadata().getName(), track,
                    ip == null ? null : ip + ":" + containerPort, isReady ? 1 : 0, isReady ? "Ready" : "NotReady",
                    0, true));
            if (isReady && track != null) {
                ready.merge(track, 1, Integer::sum);
                total++;
            }
        }
        Map<Track, Integer> percent = new EnumMap<>(Track.class);
        for (Map.Entry<Track, Integer> e : ready.entrySet()) {
            percent.put(e.getKey(), (int) Math.round(100.0 * e.getValue() / total));
        }
        return new Routing(percent, servers);
    }

    /** The Service's selector now (for status pages and tests). */
    public Map<String, String> selector(String environment) {
        Service service = client.services().inNamespace(namespace).withName(environment).get();
        return service == null ? Map.of() : Map.copyOf(service.getSpec().getSelector());
    }
}
