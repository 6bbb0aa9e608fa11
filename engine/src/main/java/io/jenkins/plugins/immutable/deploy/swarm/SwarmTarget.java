package io.jenkins.plugins.immutable.deploy.swarm;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.ContainerSpec;
import com.github.dockerjava.api.model.HealthCheck;
import com.github.dockerjava.api.model.NetworkAttachmentConfig;
import com.github.dockerjava.api.model.Service;
import com.github.dockerjava.api.model.ServiceModeConfig;
import com.github.dockerjava.api.model.ServiceReplicatedModeOptions;
import com.github.dockerjava.api.model.ServiceSpec;
import com.github.dockerjava.api.model.ServiceUpdateState;
import com.github.dockerjava.api.model.ServiceUpdateStatus;
import com.github.dockerjava.api.model.Task;
import com.github.dockerjava.api.model.TaskSpec;
import com.github.dockerjava.api.model.TaskState;
import com.github.dockerjava.api.model.UpdateConfig;
import com.github.dockerjava.api.model.UpdateFailureAction;
import com.github.dockerjava.api.model.UpdateOrder;
import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.ProgressListener;
import io.jenkins.plugins.immutable.deploy.DeploymentTarget;
import io.jenkins.plugins.immutable.deploy.Group;
import io.jenkins.plugins.immutable.deploy.Instance;
import io.jenkins.plugins.immutable.deploy.Track;
import io.jenkins.plugins.immutable.deploy.docker.DockerHostTarget;
import io.jenkins.plugins.immutable.image.Digest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Docker Swarm services: one service per environment and track ({@code <env>-<track>}), labelled like the Docker
 * host's containers, updated in place by Swarm's own rolling update with the new digest: start-first, a batch at a
 * time, each new task health-checked (Swarm waits for it), and on failure Swarm rolls the service back.
 *
 * <p>Tasks run with host networking (the stack's engine has no bridge), so each replica needs its own port: the
 * {@code PORT} variable is a Swarm template built from the task's slot ({@code {{.Task.Slot}}}), on a base of
 * hundreds. Every update switches the track between two bases, so a new task started beside the old one of its slot
 * (start-first) never finds its port taken. A target thus uses six hundred ports from {@code portBase}: two bases for
 * each of blue, green and baseline; a track runs at most 99 replicas.
 *
 * <p>Swarm has no traffic router here: clients reach the tasks' ports directly, so only the rolling strategy runs on
 * this target (with {@link io.jenkins.plugins.immutable.deploy.TrafficRouter#NONE}).
 */
public final class SwarmTarget implements DeploymentTarget {

    private static final String PORT_BASE = DockerHostTarget.LABEL_PREFIX + "port-base";
    private static final String SWARM_SERVICE = "com.docker.swarm.service.name";

    private final DockerClient docker;
    private final String address;
    private final int portBase;
    private final io.jenkins.plugins.immutable.deploy.HealthCheck health;
    private final Duration monitor;

    /**
     * @param docker   a client of a Swarm manager
     * @param address  where the tasks' ports are reached (the node's address; {@code 127.0.0.1} on one local node)
     * @param portBase first of the six hundred ports the target uses, a multiple of 100
     * @param health   the health check: Swarm runs it in the task ({@code wget} on {@code $PORT} and the path, so
     *                 the image needs a {@code wget}), and the engine probes the same path from outside
     * @param monitor  how long Swarm watches each updated task for failure before it moves on
     */
    public SwarmTarget(DockerClient docker, String address, int portBase,
                       io.jenkins.plugins.immutable.deploy.HealthCheck health, Duration monitor) {
        this.docker = Objects.requireNonNull(docker, "docker");
        this.address = Objects.requireNonNull(address, "address");
        if (portBase % 100 != 0 || portBase < 1000 || portBase + 600 > 65536) {
            throw EngineException.badInput("Swarm port base " + portBase + " must be a multiple of 100 between 1000"
                    + " and 64900 (the target uses 600 ports from it)");
        }
        this.portBase = portBase;
        this.health = Objects.requireNonNull(health, "health");
        this.monitor = Objects.requireNonNull(monitor, "monitor");
    }

    @Override
    public String describe() {
        return "Docker Swarm (ports " + portBase + "-" + (portBase + 599) + ")";
    }

    @Override
    public boolean updatesInPlace() {
        return true;
    }

    public static String serviceName(String environment, Track track) {
        return environment + "-" + track.label();
    }

    @Override
    public List<Instance> instances(String environment) {
        try {
            List<Instance> instances = new ArrayList<>();
            Map<String, List<String>> repoDigests = new HashMap<>();
            for (Service service : docker.listServicesCmd()
                    .withLabelFilter(Map.of(DockerHostTarget.ENVIRONMENT, environment)).exec()) {
                instances.addAll(tasks(environment, service, repoDigests));
            }
            instances.sort(Comparator.comparing(Instance::name));
            return instances;
        } catch (DockerException e) {
            throw outage("list the services of " + environment, e);
        }
    }

    private List<Instance> tasks(String environment, Service service, Map<String, List<String>> repoDigests) {
        Map<String, String> labels = service.getSpec().getLabels();
        Track track = Track.parse(labels.get(DockerHostTarget.TRACK));
        Digest recorded = Digest.parse(labels.get(DockerHostTarget.DIGEST));
        List<Instance> instances = new ArrayList<>();
        for (Task task : docker.listTasksCmd().withServiceFilter(service.getSpec().getName()).exec()) {
            if (task.getDesiredState() != TaskState.RUNNING) {
                continue;
            }
            TaskState state = task.getStatus().getState();
            Instance.Status status = state == TaskState.RUNNING ? Instance.Status.RUNNING
                    : state.ordinal() < TaskState.RUNNING.ordinal() ? Instance.Status.STARTING : Instance.Status.STOPPED;
            String image = task.getSpec().getContainerSpec().getImage();
            Digest running = image.contains("@") ? Digest.parse(image.substring(image.indexOf('@') + 1)) : null;
            String port = null;
            String name = service.getSpec().getName() + "." + task.getSlot();
            String containerId = task.getStatus().getContainerStatus() == null ? null
                    : task.getStatus().getContainerStatus().getContainerID();
            if (containerId != null) {
                try {
                    InspectContainerResponse c = docker.inspectContainerCmd(containerId).exec();
                    name = c.getName().replaceFirst("^/", "");
                    for (String variable : c.getConfig().getEnv()) {
                        if (variable.startsWith("PORT=")) {
                            port = variable.substring(5);
                        }
                    }
                    // What the container really runs, should its image have been swapped under the task.
                    Digest specified = running;
                    running = null;
                    for (String repoDigest : repoDigests.computeIfAbsent(c.getImageId(), this::repoDigests)) {
                        Digest d = Digest.parse(repoDigest.substring(repoDigest.indexOf('@') + 1));
                        if (running == null || d.equals(specified)) {
                            running = d;
                        }
                    }
                    running = running == null ? specified : running;
                    // Swarm's health check runs in the container; until it passes, the task is not ready.
                    if (status == Instance.Status.RUNNING && c.getState().getHealth() != null
                            && !"healthy".equals(c.getState().getHealth().getStatus())) {
                        status = Instance.Status.STARTING;
                    }
                } catch (NotFoundException e) {
                    status = Instance.Status.STOPPED;
                }
            }
            instances.add(new Instance(task.getId(), name, environment, track, task.getSlot() == null ? 0
                    : task.getSlot(), running, recorded, port == null ? null : address + ":" + port, status, true));
        }
        return instances;
    }

    private List<String> repoDigests(String imageId) {
        try {
            List<String> digests = docker.inspectImageCmd(imageId).exec().getRepoDigests();
            return digests == null ? List.of() : digests;
        } catch (NotFoundException e) {
            return List.of();
        }
    }

    @Override
    public List<Instance> scaleUp(String environment, String repository, Group group, int batch,
                                  ProgressListener listener) {
        String name = serviceName(environment, group.track());
        Service service = find(name);
        try {
            if (service == null) {
                docker.createServiceCmd(spec(environment, repository, group, batch, 0)).exec();
                listener.line("created service " + name + ": " + group);
            } else {
                Map<String, String> labels = service.getSpec().getLabels();
                long replicas = service.getSpec().getMode().getReplicated().getReplicas();
                boolean newDigest = !group.digest().toString().equals(labels.get(DockerHostTarget.DIGEST));
                if (newDigest) {
                    int parity = labels.get(PORT_BASE).equals(Integer.toString(base(group.track(), 0))) ? 1 : 0;
                    update(service, spec(environment, repository, group, batch, parity));
                    listener.line("updating service " + name + " to " + group.digest().shortForm() + ", "
                            + Math.max(1, batch) + " task(s) at a time, start-first");
                } else if (replicas < group.replicas()) {
                    ServiceSpec spec = service.getSpec().withMode(new ServiceModeConfig()
                            .withReplicated(new ServiceReplicatedModeOptions().withReplicas(group.replicas())));
                    update(service, spec);
                    listener.line("scaling service " + name + " to " + group.replicas());
                }
            }
        } catch (DockerException e) {
            throw outage("create or update service " + name, e);
        }
        return awaitConverged(environment, name, group, batch, listener);
    }

    private List<Instance> awaitConverged(String environment, String name, Group group, int batch,
                                          ProgressListener listener) {
        int rounds = (group.replicas() + Math.max(1, batch) - 1) / Math.max(1, batch);
        Duration limit = health.timeout().plus(monitor).multipliedBy(rounds + 1L);
        long deadline = System.nanoTime() + limit.toNanos();
        String last = "nothing observed yet";
        while (System.nanoTime() < deadline) {
            Service service = find(name);
            if (service == null) {
                throw EngineException.outage("service " + name + " disappeared while it was being deployed", null);
            }
            ServiceUpdateStatus update = service.getUpdateStatus();
            ServiceUpdateState state = update == null ? null : update.getState();
            // A rollback that ended on the digest wanted here (the engine's own rollback after Swarm's) is fine.
            boolean wanted = group.digest().toString().equals(service.getSpec().getLabels().get(DockerHostTarget.DIGEST));
            if (state == ServiceUpdateState.ROLLBACK_COMPLETED && wanted) {
                state = null;
            }
            if (state == ServiceUpdateState.ROLLBACK_COMPLETED || state == ServiceUpdateState.PAUSED
                    || state == ServiceUpdateState.ROLLBACK_PAUSED) {
                throw EngineException.refused("Swarm " + (state == ServiceUpdateState.ROLLBACK_COMPLETED
                        ? "rolled service " + name + " back" : "paused the update of " + name) + ": "
                        + update.getMessage() + ". Check the new tasks' logs (docker service ps --no-trunc " + name
                        + "); the image must listen on $PORT and answer " + health.path());
            }
            boolean settling = state == ServiceUpdateState.UPDATING || state == ServiceUpdateState.ROLLBACK_STARTED;
            List<Instance> tasks = tasks(environment, service, new HashMap<>());
            List<Instance> ready = new ArrayList<>();
            for (Instance task : tasks) {
                if (task.isRunning() && group.digest().equals(task.digest()) && health.probe(task.address()) == null) {
                    ready.add(task);
                }
            }
            last = ready.size() + " of " + group.replicas() + " tasks healthy on " + group.digest().shortForm()
                    + (settling ? ", update " + state.name().toLowerCase() : "") + ", " + tasks.size() + " tasks";
            if (!settling && ready.size() >= group.replicas() && tasks.size() == ready.size()) {
                listener.line("service " + name + ": " + last);
                ready.sort(Comparator.comparingInt(Instance::slot));
                return ready;
            }
            sleep(health.interval());
        }
        throw EngineException.refused("service " + name + " did not converge within " + limit + " (" + last
                + "); check `docker service ps --no-trunc " + name + "`");
    }

    private ServiceSpec spec(String environment, String repository, Group group, int batch, int parity) {
        int base = base(group.track(), parity);
        // Go template: the slot, zero-padded to two digits, after the base's hundreds (base 24300, slot 7 -> 24307).
        String port = (base / 100) + "{{if lt (len .Task.Slot) 2}}0{{end}}{{.Task.Slot}}";
        Map<String, String> labels = Map.of(DockerHostTarget.ENVIRONMENT, environment,
                DockerHostTarget.TRACK, group.track().label(), DockerHostTarget.DIGEST, group.digest().toString(),
                DockerHostTarget.REPOSITORY, repository, PORT_BASE, Integer.toString(base));
        long interval = health.interval().toNanos();
        UpdateConfig update = new UpdateConfig().withParallelism(Math.max(1, batch)).withOrder(UpdateOrder.START_FIRST)
                .withFailureAction(UpdateFailureAction.ROLLBACK).withMonitor(monitor.toNanos())
                .withMaxFailureRatio(0f).withDelay(0L);
        UpdateConfig rollback = new UpdateConfig().withParallelism(0L).withOrder(UpdateOrder.START_FIRST)
                .withFailureAction(UpdateFailureAction.PAUSE).withMonitor(monitor.toNanos()).withMaxFailureRatio(0f);
        return new ServiceSpec().withName(serviceName(environment, group.track())).withLabels(labels)
                .withTaskTemplate(new TaskSpec()
                        .withContainerSpec(new ContainerSpec().withImage(repository + "@" + group.digest())
                                .withLabels(labels).withEnv(List.of("PORT=" + port))
                                .withStopGracePeriod(Duration.ofSeconds(10).toNanos())
                                .withHealthCheck(new HealthCheck()
                                        .withTest(List.of("CMD-SHELL", "wget -q -O /dev/null http://127.0.0.1:$PORT"
                                                + health.path() + " || exit 1"))
                                        .withInterval(Math.max(interval, Duration.ofMillis(500).toNanos()))
                                        .withTimeout(Duration.ofSeconds(2).toNanos()).withRetries(3)
                                        .withStartPeriod(health.timeout().toNanos())
                                        .withStartInterval(Duration.ofMillis(200).toNanos())))
                        .withNetworks(List.of(new NetworkAttachmentConfig().withTarget("host"))))
                .withMode(new ServiceModeConfig().withReplicated(new ServiceReplicatedModeOptions()
                        .withReplicas(group.replicas())))
                .withUpdateConfig(update).withRollbackConfig(rollback);
    }

    private int base(Track track, int parity) {
        return portBase + (2 * track.ordinal() + parity) * 100;
    }

    private void update(Service service, ServiceSpec spec) {
        docker.updateServiceCmd(service.getId(), spec).withVersion(service.getVersion().getIndex()).exec();
    }

    @Override
    public List<Instance> surplus(String environment, Group group) {
        return List.of(); // Swarm picks the tasks that go, and stops them with their grace period.
    }

    @Override
    public void scaleDown(String environment, Group group, List<Instance> surplus, ProgressListener listener) {
        Service service = find(serviceName(environment, group.track()));
        if (service != null && service.getSpec().getMode().getReplicated().getReplicas() > group.replicas()) {
            update(service, service.getSpec().withMode(new ServiceModeConfig()
                    .withReplicated(new ServiceReplicatedModeOptions().withReplicas(group.replicas()))));
            listener.line("scaled service " + service.getSpec().getName() + " to " + group.replicas());
        }
    }

    @Override
    public void remove(String environment, Track track, ProgressListener listener) {
        String name = serviceName(environment, track);
        if (find(name) == null) {
            return;
        }
        try {
            docker.removeServiceCmd(name).exec();
        } catch (NotFoundException e) {
            return;
        }
        // Wait for the tasks' containers to go, so their ports are free for what comes next.
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline
                && !docker.listContainersCmd().withShowAll(true).withLabelFilter(Map.of(SWARM_SERVICE, name))
                .exec().isEmpty()) {
            sleep(Duration.ofMillis(200));
        }
        listener.line("removed service " + name);
    }

    private Service find(String name) {
        try {
            return docker.listServicesCmd().withNameFilter(List.of(name)).exec().stream()
                    .filter(s -> name.equals(s.getSpec().getName())).findFirst().orElse(null);
        } catch (DockerException e) {
            throw outage("find service " + name, e);
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw EngineException.outage("interrupted while waiting for Swarm", e);
        }
    }

    private static EngineException outage(String what, DockerException e) {
        return EngineException.outage("cannot " + what + " on the Swarm: " + e.getMessage()
                + "; check that DOCKER_HOST points at a Swarm manager", e);
    }

    /** Removes every service of {@code environment} (for tests and for tearing an environment down). */
    public void removeAll(String environment) {
        for (Track track : Set.of(Track.values())) {
            remove(environment, track, io.jenkins.plugins.immutable.ProgressListener.NONE);
        }
    }
}
