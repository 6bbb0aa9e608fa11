package io.jenkins.plugins.immutable.deploy.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.command.InspectImageResponse;
import com.github.dockerjava.api.exception.DockerClientException;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.exception.NotModifiedException;
import com.github.dockerjava.api.model.AuthConfig;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.RestartPolicy;
import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.ProgressListener;
import io.jenkins.plugins.immutable.deploy.DeploymentTarget;
import io.jenkins.plugins.immutable.deploy.Group;
import io.jenkins.plugins.immutable.deploy.HealthCheck;
import io.jenkins.plugins.immutable.deploy.Instance;
import io.jenkins.plugins.immutable.deploy.Track;
import io.jenkins.plugins.immutable.image.Digest;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Containers on one Docker engine host. Each instance is a container named {@code <env>-<track>-<slot>-<digest12>}
 * (e.g. {@code prod-green-2-9f86d081884c}), labelled with the environment, track, slot, port and digest, running with
 * host networking: it gets its own port from the target's range in the environment variable {@code PORT} (the image
 * must listen on {@code $PORT}) and is reached at {@code <address>:<port>}. An instance is ready when an HTTP GET of
 * the health check path answers 2xx.
 *
 * <p>Containers are never changed: a new digest always runs in new containers.
 */
public final class DockerHostTarget implements DeploymentTarget {

    /** Label keys the engine puts on what it starts; drift uses them to tell its instances from hand-made ones. */
    public static final String LABEL_PREFIX = "io.jenkins.immutable.";
    /**
     * What the Docker engine says, while pulling, of an image whose parts do not fit together (a config naming other
     * layers than the manifest's, a blob whose bytes do not match its digest): the image's fault, not the registry's.
     */
    private static final Pattern IMAGE_AT_FAULT = Pattern.compile(
            "don't match|does not match|digest mismatch|verification failed|invalid (diff|layer|manifest|config)");

    public static final String ENVIRONMENT = LABEL_PREFIX + "environment";
    public static final String TRACK = LABEL_PREFIX + "track";
    public static final String SLOT = LABEL_PREFIX + "slot";
    public static final String DIGEST = LABEL_PREFIX + "digest";
    public static final String PORT = LABEL_PREFIX + "port";
    public static final String REPOSITORY = LABEL_PREFIX + "repository";

    private static final Pattern NAME = Pattern.compile("([a-z0-9-]+)-(blue|green|baseline)-([0-9]+)-[0-9a-f]{12}");

    private final DockerClient docker;
    private final String address;
    private final int firstPort;
    private final int lastPort;
    private final HealthCheck health;
    private final Map<String, String> environmentVariables;
    private final AuthConfig pullAuth;
    private Duration stopGrace = Duration.ofSeconds(10);

    /**
     * @param docker      the engine's client ({@link DockerClients#connect})
     * @param address     the address instances listen on and are reached at (the host's, {@code 127.0.0.1} locally)
     * @param firstPort   first port of the range instances get ports from
     * @param lastPort    last port of the range (inclusive); give room for two colours and a baseline
     * @param health      how instances prove they are ready
     * @param variables   further environment variables for every instance (besides {@code PORT})
     * @param pullAuth    credentials for pulling from the repository, {@code null} for anonymous pulls
     */
    public DockerHostTarget(DockerClient docker, String address, int firstPort, int lastPort, HealthCheck health,
                            Map<String, String> variables, AuthConfig pullAuth) {
        this.docker = Objects.requireNonNull(docker, "docker");
        this.address = Objects.requireNonNull(address, "address");
        if (firstPort < 1 || lastPort > 65535 || lastPort < firstPort) {
            throw EngineException.badInput("port range " + firstPort + "-" + lastPort + " is not a range of ports;"
                    + " give e.g. 24100-24199");
        }
        this.firstPort = firstPort;
        this.lastPort = lastPort;
        this.health = Objects.requireNonNull(health, "health");
        this.environmentVariables = Map.copyOf(variables);
        this.pullAuth = pullAuth;
    }

    /** A target with no further variables and anonymous pulls. */
    public DockerHostTarget(DockerClient docker, String address, int firstPort, int lastPort, HealthCheck health) {
        this(docker, address, firstPort, lastPort, health, Map.of(), null);
    }

    @Override
    public String describe() {
        return "Docker host " + docker.infoCmd().exec().getName() + " (ports " + firstPort + "-" + lastPort + ")";
    }

    @Override
    public boolean updatesInPlace() {
        return false;
    }

    /** The container name of instance {@code slot} of {@code track} running {@code digest}. */
    public static String containerName(String environment, Track track, int slot, Digest digest) {
        return environment + "-" + track.label() + "-" + slot + "-" + digest.hex().substring(0, 12);
    }

    @Override
    public List<Instance> instances(String environment) {
        try {
            Map<String, Container> found = new LinkedHashMap<>();
            for (Container c : docker.listContainersCmd().withShowAll(true)
                    .withLabelFilter(Map.of(ENVIRONMENT, environment)).exec()) {
                found.put(c.getId(), c);
            }
            // Containers named like the environment's but without its labels were made by hand: list them too.
            for (Container c : docker.listContainersCmd().withShowAll(true)
                    .withNameFilter(List.of("^/" + environment + "-")).exec()) {
                found.putIfAbsent(c.getId(), c);
            }
            Map<String, List<String>> repoDigests = new HashMap<>();
            List<Instance> instances = new ArrayList<>();
            for (Container c : found.values()) {
                Instance instance = toInstance(environment, c.getId(), repoDigests);
                if (instance != null) {
                    instances.add(instance);
                }
            }
            instances.sort(Comparator.comparing(Instance::name));
            return instances;
        } catch (DockerException e) {
            throw outage("list the containers of " + environment, e);
        }
    }

    private Instance toInstance(String environment, String id, Map<String, List<String>> repoDigests) {
        InspectContainerResponse c;
        try {
            c = docker.inspectContainerCmd(id).exec();
        } catch (NotFoundException e) {
            return null; // removed meanwhile
        }
        String name = c.getName().startsWith("/") ? c.getName().substring(1) : c.getName();
        Map<String, String> labels = c.getConfig().getLabels() == null ? Map.of() : c.getConfig().getLabels();
        boolean managed = environment.equals(labels.get(ENVIRONMENT)) && labels.containsKey(TRACK);
        Track track = null;
        int slot = 0;
        Matcher m = NAME.matcher(name);
        if (managed) {
            track = Track.parse(labels.get(TRACK));
            slot = parseInt(labels.get(SLOT));
        } else if (m.matches() && m.group(1).equals(environment)) {
            track = Track.parse(m.group(2));
            slot = parseInt(m.group(3));
        } else if (!environment.equals(labels.get(ENVIRONMENT))) {
            return null; // another environment whose name starts with this one's
        }
        String port = labels.get(PORT);
        if (port == null && c.getConfig().getEnv() != null) {
            for (String variable : c.getConfig().getEnv()) {
                if (variable.startsWith("PORT=")) {
                    port = variable.substring(5);
                }
            }
        }
        Digest recorded = labels.containsKey(DIGEST) ? Digest.parse(labels.get(DIGEST)) : null;
        List<String> digests = repoDigests.computeIfAbsent(c.getImageId(), this::repoDigests);
        Digest running = null;
        for (String repoDigest : digests) {
            Digest d = Digest.parse(repoDigest.substring(repoDigest.indexOf('@') + 1));
            if (running == null || d.equals(recorded)) {
                running = d;
            }
        }
        InspectContainerResponse.ContainerState state = c.getState();
        Instance.Status status = Boolean.TRUE.equals(state.getRunning()) && !Boolean.TRUE.equals(state.getRestarting())
                ? Instance.Status.RUNNING
                : "created".equals(state.getStatus()) || Boolean.TRUE.equals(state.getRestarting())
                ? Instance.Status.STARTING : Instance.Status.STOPPED;
        return new Instance(c.getId(), name, environment, track, slot, running, recorded,
                port == null ? null : address + ":" + port, status, managed);
    }

    /** The image's manifest digests ({@code repo@sha256:...}); empty for an image never pushed or pulled. */
    private List<String> repoDigests(String imageId) {
        try {
            InspectImageResponse image = docker.inspectImageCmd(imageId).exec();
            return image.getRepoDigests() == null ? List.of() : image.getRepoDigests();
        } catch (NotFoundException e) {
            return List.of();
        }
    }

    @Override
    public List<Instance> scaleUp(String environment, String repository, Group group, int batch,
                                  ProgressListener listener) {
        List<Instance> all = instances(environment);
        List<Instance> track = all.stream().filter(i -> i.track() == group.track()).toList();
        // Leftovers of a crashed run (created or exited containers of this track) only hold names and ports.
        for (Instance leftover : track) {
            if (leftover.managed() && leftover.status() != Instance.Status.RUNNING) {
                listener.line("removing " + leftover.name() + ", which does not run");
                removeContainer(leftover.id());
            }
        }
        List<Instance> keep = track.stream()
                .filter(i -> i.managed() && i.isRunning() && i.runs(group.digest()))
                .sorted(Comparator.comparingInt(Instance::slot)).limit(group.replicas()).toList();
        int missing = group.replicas() - keep.size();
        List<Instance> started = new ArrayList<>();
        if (missing > 0) {
            String reference = repository + "@" + group.digest();
            pull(reference, listener);
            Set<Integer> slots = new TreeSet<>();
            Set<Integer> ports = new TreeSet<>();
            for (Instance i : instances(environment)) {
                if (i.track() == group.track() && i.isRunning()) {
                    slots.add(i.slot());
                }
            }
            ports.addAll(portsInUse());
            List<Callable<Instance>> starts = new ArrayList<>();
            for (int n = 0; n < missing; n++) {
                int slot = 1;
                while (slots.contains(slot)) {
                    slot++;
                }
                slots.add(slot);
                int port = freePort(ports);
                ports.add(port);
                int s = slot;
                starts.add(() -> start(environment, repository, reference, group, s, port, listener));
            }
            started.addAll(inParallel(starts));
        }
        List<Instance> candidates = new ArrayList<>(keep);
        candidates.addAll(started);
        Map<Instance, String> failures = awaitHealthy(candidates);
        if (!failures.isEmpty()) {
            for (Instance failed : started) {
                if (failures.containsKey(failed)) {
                    removeContainer(failed.id());
                }
            }
            throw EngineException.refused(failures.entrySet().stream()
                    .map(e -> e.getKey().name() + " did not become healthy within " + health.timeout() + ": "
                            + e.getValue()).collect(Collectors.joining("; "))
                    + ". Fix the image or its configuration (it must listen on 127.0.0.1:$PORT and answer "
                    + health.path() + " with 2xx), or raise the health check timeout");
        }
        return candidates.stream().sorted(Comparator.comparingInt(Instance::slot)).toList();
    }

    private Instance start(String environment, String repository, String reference, Group group, int slot, int port,
                           ProgressListener listener) {
        String name = containerName(environment, group.track(), slot, group.digest());
        Map<String, String> labels = Map.of(ENVIRONMENT, environment, TRACK, group.track().label(),
                SLOT, Integer.toString(slot), DIGEST, group.digest().toString(), PORT, Integer.toString(port),
                REPOSITORY, repository);
        List<String> variables = new ArrayList<>();
        environmentVariables.forEach((k, v) -> variables.add(k + "=" + v));
        variables.add("PORT=" + port);
        try {
            try {
                docker.removeContainerCmd(name).withForce(true).exec(); // a leftover of the same name, not running
            } catch (NotFoundException ignored) {
                // the usual case
            }
            String id = docker.createContainerCmd(reference).withName(name).withLabels(labels).withEnv(variables)
                    .withHostConfig(HostConfig.newHostConfig().withNetworkMode("host")
                            .withRestartPolicy(RestartPolicy.unlessStoppedRestart()))
                    .exec().getId();
            docker.startContainerCmd(id).exec();
            listener.line("started " + name + " on " + address + ":" + port);
            return new Instance(id, name, environment, group.track(), slot, group.digest(), group.digest(),
                    address + ":" + port, Instance.Status.STARTING, true);
        } catch (DockerException e) {
            throw outage("start " + name + " from " + reference, e);
        }
    }

    private void pull(String reference, ProgressListener listener) {
        try {
            docker.inspectImageCmd(reference).exec();
            return;
        } catch (NotFoundException e) {
            // pull it below
        }
        listener.line("pulling " + reference);
        try {
            var pull = docker.pullImageCmd(reference);
            if (pullAuth != null) {
                pull.withAuthConfig(pullAuth);
            }
            if (!pull.start().awaitCompletion(10, TimeUnit.MINUTES)) {
                throw EngineException.outage("pulling " + reference + " took more than 10 minutes; check the"
                        + " registry and the Docker host's network", null);
            }
        } catch (NotFoundException e) {
            throw EngineException.badInput(reference + " is not in the registry (" + e.getMessage().strip()
                    + "); push it first, or check the repository and digest");
        } catch (DockerException | DockerClientException e) {
            String detail = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().strip();
            if (e instanceof DockerClientException && IMAGE_AT_FAULT.matcher(detail).find()) {
                // what the engine pulled is not a whole image: no registry outage, and pulling again will not help
                throw EngineException.integrity("the Docker engine refused the image " + reference + ": " + detail
                        + "; the image itself is broken (its config or manifest does not match its layers). Build and"
                        + " push it again, and promote the new digest");
            }
            String registry = reference.substring(0, Math.max(reference.indexOf('/'), 0));
            throw EngineException.outage("the Docker engine could not pull " + reference + " from the registry "
                    + registry + ": " + detail + "; check that " + registry + " is up and reachable"
                    + " from the Docker host, and the pull credentials", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw EngineException.outage("interrupted while pulling " + reference, e);
        }
    }

    /** Waits for every instance to pass its health check; returns the ones that did not, with why. */
    private Map<Instance, String> awaitHealthy(List<Instance> instances) {
        Map<Instance, String> pending = new LinkedHashMap<>();
        instances.forEach(i -> pending.put(i, "not probed yet"));
        long deadline = System.nanoTime() + health.timeout().toNanos();
        Map<Instance, String> failed = new LinkedHashMap<>();
        while (!pending.isEmpty()) {
            for (Instance instance : List.copyOf(pending.keySet())) {
                String exit = exited(instance);
                if (exit != null) {
                    pending.remove(instance);
                    failed.put(instance, exit);
                    continue;
                }
                String problem = health.probe(instance.address());
                if (problem == null) {
                    pending.remove(instance);
                } else {
                    pending.put(instance, problem);
                }
            }
            if (pending.isEmpty() || System.nanoTime() > deadline) {
                break;
            }
            try {
                Thread.sleep(health.interval().toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw EngineException.outage("interrupted while waiting for instances to become healthy", e);
            }
        }
        failed.putAll(pending);
        return failed;
    }

    /** Why the container stopped (exit code and last log lines), or {@code null} while it runs. */
    private String exited(Instance instance) {
        InspectContainerResponse container;
        try {
            container = docker.inspectContainerCmd(instance.id()).exec();
        } catch (NotFoundException e) {
            return "its container was removed";
        }
        InspectContainerResponse.ContainerState state = container.getState();
        // The restart policy brings a crashing container back, so a restart means it exited.
        boolean restarted = Boolean.TRUE.equals(state.getRestarting())
                || container.getRestartCount() != null && container.getRestartCount() > 0;
        if (!restarted && (Boolean.TRUE.equals(state.getRunning()) || "created".equals(state.getStatus()))) {
            return null;
        }
        return "it exited with code " + state.getExitCodeLong() + logTail(instance.id());
    }

    private String logTail(String id) {
        StringBuilder out = new StringBuilder();
        try {
            docker.logContainerCmd(id).withStdOut(true).withStdErr(true).withTail(5)
                    .exec(new ResultCallback.Adapter<Frame>() {
                        @Override
                        public void onNext(Frame frame) {
                            out.append(new String(frame.getPayload(), StandardCharsets.UTF_8));
                        }
                    }).awaitCompletion(5, TimeUnit.SECONDS);
        } catch (DockerException | InterruptedException e) {
            return "";
        }
        String text = out.toString().strip();
        return text.isEmpty() ? "" : "; its last output: " + text.replace('\n', ' ');
    }

    @Override
    public List<Instance> surplus(String environment, Group group) {
        List<Instance> track = instances(environment).stream()
                .filter(i -> i.managed() && i.track() == group.track()).toList();
        List<Instance> surplus = new ArrayList<>(track.stream()
                .filter(i -> !i.isRunning() || !i.runs(group.digest())).toList());
        track.stream().filter(i -> i.isRunning() && i.runs(group.digest()))
                .sorted(Comparator.comparingInt(Instance::slot)).skip(group.replicas()).forEach(surplus::add);
        return surplus;
    }

    @Override
    public void scaleDown(String environment, Group group, List<Instance> surplus, ProgressListener listener) {
        stopAll(surplus, listener);
    }

    @Override
    public void remove(String environment, Track track, ProgressListener listener) {
        stopAll(instances(environment).stream().filter(i -> i.managed() && i.track() == track).toList(), listener);
    }

    private void stopAll(List<Instance> instances, ProgressListener listener) {
        inParallel(instances.stream().<Callable<Instance>>map(i -> () -> {
            stop(i, listener);
            return i;
        }).toList());
    }

    /** Runs Docker calls side by side (starting or stopping a container takes a while, mostly waiting). */
    private static <T> List<T> inParallel(List<Callable<T>> calls) {
        if (calls.size() <= 1) {
            List<T> results = new ArrayList<>();
            for (Callable<T> call : calls) {
                results.add(unchecked(call));
            }
            return results;
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(calls.size(), 8));
        try {
            List<T> results = new ArrayList<>();
            for (Future<T> future : pool.invokeAll(calls)) {
                try {
                    results.add(future.get());
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof RuntimeException r) {
                        throw r;
                    }
                    throw new IllegalStateException(e.getCause());
                }
            }
            return results;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw EngineException.outage("interrupted while starting or stopping containers", e);
        } finally {
            pool.shutdownNow();
        }
    }

    private static <T> T unchecked(Callable<T> call) {
        try {
            return call.call();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The same target, giving stopped containers {@code grace} to exit before they are killed (default 10 s). */
    public DockerHostTarget withStopGrace(Duration grace) {
        DockerHostTarget copy = new DockerHostTarget(docker, address, firstPort, lastPort, health,
                environmentVariables, pullAuth);
        copy.stopGrace = grace;
        return copy;
    }

    private void stop(Instance instance, ProgressListener listener) {
        try {
            docker.stopContainerCmd(instance.id()).withTimeout((int) Math.max(0, stopGrace.toSeconds())).exec();
        } catch (NotFoundException | NotModifiedException e) {
            // already stopped or gone
        } catch (DockerException e) {
            throw outage("stop " + instance.name(), e);
        }
        removeContainer(instance.id());
        listener.line("stopped " + instance.name());
    }

    private void removeContainer(String id) {
        try {
            docker.removeContainerCmd(id).withForce(true).exec();
        } catch (NotFoundException e) {
            // gone already
        } catch (DockerException e) {
            throw outage("remove container " + id, e);
        }
    }

    /** Ports the host's containers were given by the engine, in any environment. */
    private Set<Integer> portsInUse() {
        Set<Integer> ports = new TreeSet<>();
        for (Container c : docker.listContainersCmd().withShowAll(true).withLabelFilter(List.of(PORT)).exec()) {
            ports.add(parseInt(c.getLabels().get(PORT)));
        }
        return ports;
    }

    private int freePort(Set<Integer> taken) {
        for (int port = firstPort; port <= lastPort; port++) {
            if (!taken.contains(port) && bindable(port)) {
                return port;
            }
        }
        throw EngineException.refused("no free port left in " + firstPort + "-" + lastPort + " on the Docker host;"
                + " give the target a larger range, or remove instances that no longer serve");
    }

    /** Whether nothing else listens on {@code port}; only knowable when the Docker host is this machine. */
    private boolean bindable(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            InetAddress host = InetAddress.getByName(address);
            if (!host.isLoopbackAddress()) {
                return true;
            }
            socket.bind(new InetSocketAddress(host, port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int parseInt(String text) {
        try {
            return text == null ? 0 : Integer.parseInt(text.strip());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private EngineException outage(String what, Exception e) {
        return EngineException.outage("cannot " + what + " on the Docker host: " + e.getMessage()
                + "; check that the Docker engine runs and DOCKER_HOST points at it", e);
    }
}
