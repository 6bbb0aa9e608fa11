package io.jenkins.plugins.immutable.deploy.kubernetes;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.ProgressListener;
import io.jenkins.plugins.immutable.deploy.DeploymentTarget;
import io.jenkins.plugins.immutable.deploy.Group;
import io.jenkins.plugins.immutable.deploy.HealthCheck;
import io.jenkins.plugins.immutable.deploy.Instance;
import io.jenkins.plugins.immutable.deploy.Track;
import io.jenkins.plugins.immutable.image.Digest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A Kubernetes namespace: one Deployment per environment and track ({@code <env>-<track>}), its pods labelled with
 * the environment and track and annotated with the digest (label values cannot hold a digest). A new digest rolls
 * through the Deployment's own rolling update (at most {@code batch} extra pods, none unavailable), judged ready by a
 * readiness probe on the health check path. The pods listen on {@code containerPort}, also given as {@code PORT}.
 */
public final class KubernetesTarget implements DeploymentTarget {

    public static final String ENVIRONMENT = "immutable.jenkins.io/environment";
    public static final String TRACK = "immutable.jenkins.io/track";
    public static final String DIGEST = "immutable.jenkins.io/digest";
    public static final String REPOSITORY = "immutable.jenkins.io/repository";

    private final KubernetesClient client;
    private final String namespace;
    private final int containerPort;
    private final HealthCheck health;

    public KubernetesTarget(KubernetesClient client, String namespace, int containerPort, HealthCheck health) {
        this.client = Objects.requireNonNull(client, "client");
        this.namespace = Objects.requireNonNull(namespace, "namespace");
        if (containerPort < 1 || containerPort > 65535) {
            throw EngineException.badInput("container port " + containerPort + " is not a port number");
        }
        this.containerPort = containerPort;
        this.health = Objects.requireNonNull(health, "health");
    }

    @Override
    public String describe() {
        return "Kubernetes " + client.getMasterUrl() + " namespace " + namespace;
    }

    @Override
    public boolean updatesInPlace() {
        return true;
    }

    public static String deploymentName(String environment, Track track) {
        return environment + "-" + track.label();
    }

    @Override
    public List<Instance> instances(String environment) {
        try {
            List<Instance> instances = new ArrayList<>();
            for (Pod pod : client.pods().inNamespace(namespace).withLabel(ENVIRONMENT, environment).list()
                    .getItems()) {
                instances.add(toInstance(environment, pod));
            }
            instances.sort(Comparator.comparing(Instance::name));
            return instances;
        } catch (KubernetesClientException e) {
            throw outage("list the pods of " + environment, e);
        }
    }

    private Instance toInstance(String environment, Pod pod) {
        Map<String, String> labels = pod.getMetadata().getLabels();
        Map<String, String> annotations = pod.getMetadata().getAnnotations() == null ? Map.of()
                : pod.getMetadata().getAnnotations();
        Track track = labels.containsKey(TRACK) ? Track.parse(labels.get(TRACK)) : null;
        // A pod a Deployment made has an owner; one made by hand (kubectl run, a copied manifest) has none.
        boolean managed = pod.getMetadata().getOwnerReferences() != null
                && !pod.getMetadata().getOwnerReferences().isEmpty() && annotations.containsKey(DIGEST);
        Digest recorded = annotations.containsKey(DIGEST) ? Digest.parse(annotations.get(DIGEST)) : null;
        Digest running = null;
        boolean ready = false;
        if (pod.getStatus() != null) {
            for (ContainerStatus status : pod.getStatus().getContainerStatuses()) {
                // imageID is what the node actually runs, e.g. docker-pullable://registry/app@sha256:...
                String imageId = status.getImageID();
                if (imageId != null && imageId.contains("@")) {
                    running = Digest.parse(imageId.substring(imageId.lastIndexOf('@') + 1));
                }
            }
            for (PodCondition condition : pod.getStatus().getConditions()) {
                ready |= "Ready".equals(condition.getType()) && "True".equals(condition.getStatus());
            }
        }
        String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
        boolean terminating = pod.getMetadata().getDeletionTimestamp() != null;
        Instance.Status status = terminating || "Failed".equals(phase) || "Succeeded".equals(phase)
                ? Instance.Status.STOPPED : "Running".equals(phase) && ready ? Instance.Status.RUNNING
                : Instance.Status.STARTING;
        String ip = pod.getStatus() == null ? null : pod.getStatus().getPodIP();
        return new Instance(pod.getMetadata().getName(), pod.getMetadata().getName(), environment, track, 0, running,
                recorded, ip == null ? null : ip + ":" + containerPort, status, managed);
    }

    @Override
    public List<Instance> scaleUp(String environment, String repository, Group group, int batch,
                                  ProgressListener listener) {
        String name = deploymentName(environment, group.track());
        try {
            Deployment current = client.apps().deployments().inNamespace(namespace).withName(name).get();
            if (current == null) {
                client.apps().deployments().inNamespace(namespace)
                        .resource(deployment(environment, repository, group, batch)).create();
                listener.line("created Deployment " + name + ": " + group);
            } else {
                String digest = current.getMetadata().getAnnotations() == null ? null
                        : current.getMetadata().getAnnotations().get(DIGEST);
                int replicas = current.getSpec().getReplicas() == null ? 1 : current.getSpec().getReplicas();
                if (!group.digest().toString().equals(digest) || replicas < group.replicas()) {
                    Deployment wanted = deployment(environment, repository, group, batch);
                    client.apps().deployments().inNamespace(namespace).withName(name).edit(d -> {
                        d.getMetadata().setAnnotations(wanted.getMetadata().getAnnotations());
                        d.setSpec(wanted.getSpec());
                        return d;
                    });
                    listener.line(!group.digest().toString().equals(digest) ? "rolling Deployment " + name + " to "
                            + group.digest().shortForm() + ", " + Math.max(1, batch) + " extra pod(s) at a time"
                            : "scaling Deployment " + name + " to " + group.replicas());
                }
            }
        } catch (KubernetesClientException e) {
            throw outage("create or update Deployment " + name, e);
        }
        awaitRolledOut(name, group, batch);
        List<Instance> ready = instances(environment).stream()
                .filter(i -> i.track() == group.track() && i.isRunning() && group.digest().equals(i.digest()))
                .toList();
        listener.line("Deployment " + name + ": " + ready.size() + " pods ready on " + group.digest().shortForm());
        return ready;
    }

    /** Waits as {@code kubectl rollout status} does: the new generation seen, all replicas updated and available. */
    private void awaitRolledOut(String name, Group group, int batch) {
        int rounds = (group.replicas() + Math.max(1, batch) - 1) / Math.max(1, batch);
        Duration limit = health.timeout().multipliedBy(rounds + 1L);
        long deadline = System.nanoTime() + limit.toNanos();
        String last = "no status yet";
        while (System.nanoTime() < deadline) {
            Deployment d = client.apps().deployments().inNamespace(namespace).withName(name).get();
            if (d == null) {
                throw EngineException.outage("Deployment " + name + " disappeared during its rollout", null);
            }
            DeploymentStatus s = d.getStatus();
            if (s != null) {
                Long generation = d.getMetadata().getGeneration();
                boolean observed = generation == null || s.getObservedGeneration() != null
                        && s.getObservedGeneration() >= generation;
                for (DeploymentCondition c : s.getConditions()) {
                    // A condition of an older generation (before a rollback's edit) says nothing about this one.
                    if (observed && "Progressing".equals(c.getType()) && "False".equals(c.getStatus())) {
                        throw EngineException.refused("the rollout of Deployment " + name + " stalled ("
                                + c.getReason() + ": " + c.getMessage() + "); check its pods (kubectl -n " + namespace
                                + " describe deployment " + name + "): the image must listen on $PORT and answer "
                                + health.path());
                    }
                }
                int want = group.replicas();
                last = "updated " + n(s.getUpdatedReplicas()) + ", ready " + n(s.getReadyReplicas()) + ", available "
                        + n(s.getAvailableReplicas()) + ", total " + n(s.getReplicas()) + " of " + want;
                if (observed && n(s.getUpdatedReplicas()) >= want && n(s.getAvailableReplicas()) >= want
                        && n(s.getReplicas()) == n(s.getUpdatedReplicas())) {
                    return;
                }
            }
            try {
                Thread.sleep(health.interval().toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw EngineException.outage("interrupted while waiting for Deployment " + name, e);
            }
        }
        throw EngineException.refused("Deployment " + name + " did not roll out within " + limit + " (" + last
                + "); check kubectl -n " + namespace + " rollout status deployment " + name);
    }

    private static int n(Integer value) {
        return value == null ? 0 : value;
    }

    Deployment deployment(String environment, String repository, Group group, int batch) {
        Map<String, String> selector = Map.of(ENVIRONMENT, environment, TRACK, group.track().label());
        Map<String, String> annotations = Map.of(DIGEST, group.digest().toString(), REPOSITORY, repository);
        int timeoutSeconds = (int) Math.max(1, Math.min(health.timeout().toSeconds(), 10));
        return new DeploymentBuilder()
                .withNewMetadata().withName(deploymentName(environment, group.track())).withLabels(selector)
                .withAnnotations(annotations).endMetadata()
                .withNewSpec().withReplicas(group.replicas())
                .withNewSelector().withMatchLabels(selector).endSelector()
                .withNewStrategy().withType("RollingUpdate").withNewRollingUpdate()
                .withMaxSurge(new IntOrString(Math.max(1, batch))).withMaxUnavailable(new IntOrString(0))
                .endRollingUpdate().endStrategy()
                .withProgressDeadlineSeconds((int) Math.max(60, health.timeout().toSeconds() * 4))
                .withNewTemplate()
                .withNewMetadata().withLabels(selector).withAnnotations(annotations).endMetadata()
                .withNewSpec()
                .addNewContainer().withName("app").withImage(repository + "@" + group.digest())
                .addNewEnv().withName("PORT").withValue(Integer.toString(containerPort)).endEnv()
                .addNewPort().withContainerPort(containerPort).withName("http").endPort()
                .withNewReadinessProbe().withNewHttpGet().withPath(health.path())
                .withPort(new IntOrString(containerPort)).endHttpGet()
                .withPeriodSeconds((int) Math.max(1, health.interval().toSeconds())).withTimeoutSeconds(timeoutSeconds)
                .endReadinessProbe()
                .endContainer()
                .endSpec().endTemplate().endSpec().build();
    }

    @Override
    public List<Instance> surplus(String environment, Group group) {
        // The ReplicaSet controller picks the pods that go; the endpoints controller takes them out of the Service
        // before they get SIGTERM and their grace period.
        return List.of();
    }

    @Override
    public void scaleDown(String environment, Group group, List<Instance> surplus, ProgressListener listener) {
        String name = deploymentName(environment, group.track());
        Deployment d = client.apps().deployments().inNamespace(namespace).withName(name).get();
        if (d != null && d.getSpec().getReplicas() != null && d.getSpec().getReplicas() > group.replicas()) {
            client.apps().deployments().inNamespace(namespace).withName(name).edit(x -> {
                x.getSpec().setReplicas(group.replicas());
                return x;
            });
            listener.line("scaled Deployment " + name + " to " + group.replicas());
        }
    }

    @Override
    public void remove(String environment, Track track, ProgressListener listener) {
        String name = deploymentName(environment, track);
        try {
            if (!client.apps().deployments().inNamespace(namespace).withName(name).delete().isEmpty()) {
                listener.line("deleted Deployment " + name);
            }
        } catch (KubernetesClientException e) {
            throw outage("delete Deployment " + name, e);
        }
    }

    private EngineException outage(String what, KubernetesClientException e) {
        return EngineException.outage("cannot " + what + " in namespace " + namespace + " (" + e.getCode() + " "
                + e.getMessage() + "); check the cluster address, the credentials and their RBAC rights", e);
    }
}
