package io.jenkins.plugins.immutable.promote;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Container;
import io.jenkins.plugins.immutable.ProgressListener;
import io.jenkins.plugins.immutable.deploy.BlueGreen;
import io.jenkins.plugins.immutable.deploy.DeploymentStrategy;
import io.jenkins.plugins.immutable.deploy.HAProxyInstance;
import io.jenkins.plugins.immutable.deploy.HealthCheck;
import io.jenkins.plugins.immutable.deploy.Instance;
import io.jenkins.plugins.immutable.deploy.Ports;
import io.jenkins.plugins.immutable.deploy.docker.DockerHostTarget;
import io.jenkins.plugins.immutable.image.Digest;
import io.jenkins.plugins.immutable.image.Repository;
import io.jenkins.plugins.immutable.testing.Stack;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;
import org.junit.rules.ExternalResource;

/**
 * Environments of a test, with unique names: a Docker host target behind an HAProxy of the test's own, a repository
 * each. Removes every container of its environments and stops the HAProxy afterwards.
 */
final class Site extends ExternalResource {

    static final HealthCheck HEALTH = new HealthCheck("/", Duration.ofSeconds(8), Duration.ofMillis(50));

    private final String[] prefixes;
    private final String suffix = Long.toString(ThreadLocalRandom.current().nextLong(1L << 30), 36);
    final List<String> log = Collections.synchronizedList(new ArrayList<>());
    final ProgressListener listener = line -> {
        log.add(line);
        System.out.println(line);
    };
    private DockerClient docker;
    private HAProxyInstance haproxy;
    private DockerHostTarget target;
    private int[] ports;

    Site(String... prefixes) {
        this.prefixes = prefixes;
    }

    /** The unique name of the environment made for {@code prefix}. */
    String name(String prefix) {
        return prefix + "-" + suffix;
    }

    /** An environment for {@code prefix}, deploying blue-green (with the given retention), with these gates. */
    Environment environment(String prefix, Duration retention, GatePolicy gates) {
        return environment(prefix, new BlueGreen(retention), gates);
    }

    Environment environment(String prefix, DeploymentStrategy strategy, GatePolicy gates) {
        return environment(prefix, new Repository(Stack.registry(), Stack.uniqueRepository("promote-" + prefix)),
                strategy, gates);
    }

    /** An environment whose images and ledger live in {@code repository} (a registry of the test's own). */
    Environment environment(String prefix, Repository repository, DeploymentStrategy strategy, GatePolicy gates) {
        return new Environment(name(prefix), repository, 1, target, haproxy.router(), strategy, gates);
    }

    /** The admin socket of the HAProxy in front of the environments, for another process to route through. */
    java.nio.file.Path haproxySocket() {
        return haproxy.runtime().socket();
    }

    /** The loopback port of the HAProxy frontend of the environment made for {@code prefix}. */
    int frontend(String prefix) {
        return haproxy.frontend(name(prefix));
    }

    /** The first and last port of the instances. */
    int[] ports() {
        return ports.clone();
    }

    /** The digests running in an environment, as the Docker host reports them. */
    Set<Digest> running(Environment env) {
        return target.instances(env.name()).stream().filter(i -> i.status() == Instance.Status.RUNNING)
                .map(Instance::digest).collect(Collectors.toSet());
    }

    @Override
    protected void before() throws Throwable {
        docker = io.jenkins.plugins.immutable.deploy.docker.DockerClients.connect(Stack.dockerHost());
        String[] names = new String[prefixes.length];
        for (int i = 0; i < prefixes.length; i++) {
            names[i] = name(prefixes[i]);
        }
        haproxy = HAProxyInstance.start(names);
        ports = Ports.instanceBlock(20);
        target = new DockerHostTarget(docker, "127.0.0.1", ports[0], ports[1], HEALTH);
    }

    @Override
    protected void after() {
        try {
            for (String prefix : prefixes) {
                for (Container c : docker.listContainersCmd().withShowAll(true)
                        .withLabelFilter(Map.of(DockerHostTarget.ENVIRONMENT, name(prefix))).exec()) {
                    docker.removeContainerCmd(c.getId()).withForce(true).exec();
                }
            }
            haproxy.close();
        } catch (Exception e) {
            throw new IllegalStateException("cleanup failed", e);
        }
    }
}
