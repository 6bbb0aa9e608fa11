package io.jenkins.plugins.immutable.deploy;

import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.DeploymentConditionBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.jenkins.plugins.immutable.deploy.kubernetes.KubernetesTarget;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What kube-controller-manager and the kubelets would do, reduced to what the deployment engine reads, for fabric8's
 * mock server (which stores objects but runs no controller): a Deployment's pods are created and deleted one at a
 * time within its maxSurge and maxUnavailable 0 (the rolling update), become ready a tick after they appear unless
 * their digest is in {@link #crashing}, report the digest they run as imageID, and the Deployment's status counts
 * them; a rollout whose pods never get ready is marked ProgressDeadlineExceeded. Pods of deleted Deployments go.
 *
 * <p>This is a stand-in, so tests on it prove what the engine writes and how it reads status, not how a real cluster
 * behaves (see docs/deploy.md).
 */
final class FakeKubernetesControllers implements AutoCloseable {

    final Set<String> crashing = ConcurrentHashMap.newKeySet();
    private final KubernetesClient client;
    private final String namespace;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicInteger names = new AtomicInteger();
    private final Map<String, Integer> stalledTicks = new HashMap<>();
    private final Thread thread;

    FakeKubernetesControllers(KubernetesClient client, String namespace) {
        this.client = client;
        this.namespace = namespace;
        this.thread = new Thread(this::loop, "fake-kube-controllers");
        thread.setDaemon(true);
        thread.start();
    }

    private void loop() {
        while (running.get()) {
            try {
                tick();
                Thread.sleep(20);
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                // A conflict with the engine's own write; the next tick sees the new state.
            }
        }
    }

    private void tick() {
        List<Deployment> deployments = client.apps().deployments().inNamespace(namespace).list().getItems();
        List<String> owners = deployments.stream().map(d -> d.getMetadata().getName()).toList();
        List<Pod> pods = client.pods().inNamespace(namespace).list().getItems();
        for (Pod pod : pods) {
            String owner = pod.getMetadata().getOwnerReferences().isEmpty() ? null
                    : pod.getMetadata().getOwnerReferences().get(0).getName();
            if (owner != null && !owners.contains(owner)) {
                client.pods().inNamespace(namespace).resource(pod).delete();
            }
        }
        for (Deployment d : deployments) {
            reconcile(d, pods.stream().filter(p -> !p.getMetadata().getOwnerReferences().isEmpty()
                    && p.getMetadata().getOwnerReferences().get(0).getName().equals(d.getMetadata().getName()))
                    .toList());
        }
    }

    private void reconcile(Deployment d, List<Pod> pods) {
        String name = d.getMetadata().getName();
        String digest = d.getSpec().getTemplate().getMetadata().getAnnotations().get(KubernetesTarget.DIGEST);
        String image = d.getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
        int replicas = d.getSpec().getReplicas();
        int surge = d.getSpec().getStrategy().getRollingUpdate().getMaxSurge().getIntVal();
        List<Pod> current = new ArrayList<>();
        List<Pod> old = new ArrayList<>();
        for (Pod p : pods) {
            (digest.equals(p.getMetadata().getAnnotations().get(KubernetesTarget.DIGEST)) ? current : old).add(p);
        }
        // Kubelet: a pod becomes ready one tick after it appeared, unless its image crashes.
        for (Pod p : current) {
            if (!ready(p) && !crashing.contains(digest)) {
                client.pods().inNamespace(namespace).withName(p.getMetadata().getName()).editStatus(x -> {
                    x.getStatus().getConditions().get(0).setStatus("True");
                    x.getStatus().getContainerStatuses().get(0).setReady(true);
                    return x;
                });
            }
        }
        long readyNow = pods.stream().filter(FakeKubernetesControllers::ready).count();
        Pod unready = old.stream().filter(p -> !ready(p)).findFirst().orElse(null);
        if (unready != null) {
            client.pods().inNamespace(namespace).resource(unready).delete(); // old pods that never served go first
        } else if (current.size() < replicas && pods.size() < replicas + surge) {
            create(d, image, digest);
        } else if (!old.isEmpty() && readyNow > replicas) {
            client.pods().inNamespace(namespace).resource(old.get(0)).delete(); // maxUnavailable 0
        } else if (old.isEmpty() && current.size() > replicas) {
            client.pods().inNamespace(namespace).resource(current.get(current.size() - 1)).delete();
        }
        int updated = current.size();
        int ready = (int) pods.stream().filter(FakeKubernetesControllers::ready).count();
        boolean stuck = crashing.contains(digest) && current.stream().noneMatch(FakeKubernetesControllers::ready);
        int ticks = stuck ? stalledTicks.merge(name + digest, 1, Integer::sum) : 0;
        List<DeploymentCondition> conditions = ticks > 40 ? List.of(new DeploymentConditionBuilder()
                .withType("Progressing").withStatus("False").withReason("ProgressDeadlineExceeded")
                .withMessage("ReplicaSet \"" + name + "\" has timed out progressing.").build()) : List.of();
        DeploymentStatus status = new DeploymentStatusBuilder().withAvailableReplicas(ready).withReadyReplicas(ready)
                .withReplicas(pods.size()).withUpdatedReplicas(updated).withUnavailableReplicas(pods.size() - ready)
                .withObservedGeneration(d.getMetadata().getGeneration()).withConditions(conditions).build();
        if (!status.equals(d.getStatus())) {
            client.apps().deployments().inNamespace(namespace).withName(name).editStatus(x -> {
                x.setStatus(status);
                return x;
            });
        }
    }

    private void create(Deployment d, String image, String digest) {
        int n = names.incrementAndGet();
        Pod pod = new PodBuilder().withNewMetadata()
                .withName(d.getMetadata().getName() + "-" + Integer.toString(n, 36) + "x" + n)
                .withLabels(d.getSpec().getTemplate().getMetadata().getLabels())
                .withAnnotations(d.getSpec().getTemplate().getMetadata().getAnnotations())
                .withOwnerReferences(new OwnerReferenceBuilder().withKind("ReplicaSet").withApiVersion("apps/v1")
                        .withName(d.getMetadata().getName()).withUid("uid-" + d.getMetadata().getName()).build())
                .endMetadata()
                .withSpec(d.getSpec().getTemplate().getSpec())
                .withNewStatus().withPhase("Running").withPodIP("10.1." + (n / 250) + "." + (n % 250 + 1))
                .addNewCondition().withType("Ready").withStatus("False").endCondition()
                .withContainerStatuses(new ContainerStatusBuilder().withName("app").withImage(image)
                        .withImageID("docker-pullable://" + image).withReady(false).build())
                .endStatus().build();
        client.pods().inNamespace(namespace).resource(pod).create();
    }

    private static boolean ready(Pod p) {
        return p.getStatus() != null && p.getStatus().getConditions().stream()
                .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        thread.join(5000);
    }
}
