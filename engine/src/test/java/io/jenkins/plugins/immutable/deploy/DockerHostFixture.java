package io.jenkins.plugins.immutable.deploy;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Container;
import io.jenkins.plugins.immutable.ProgressListener;
import io.jenkins.plugins.immutable.deploy.docker.DockerClients;
import io.jenkins.plugins.immutable.deploy.docker.DockerHostTarget;
import io.jenkins.plugins.immutable.image.Digest;
import io.jenkins.plugins.immutable.testing.Stack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.rules.ExternalResource;

/**
 * A Docker host target behind an HAProxy of the test's own, for one environment with a unique name, with a file
 * journal; removes every container of the environment and stops the HAProxy afterwards. The images (v1, v2, a broken
 * one) are built once per test class.
 */
final class DockerHostFixture extends ExternalResource {

    static final HealthCheck HEALTH = new HealthCheck("/", Duration.ofSeconds(8), Duration.ofMillis(50));

    final DockerClient docker = DockerClients.connect(Stack.dockerHost());
    final String environment;
    final List<String> log = Collections.synchronizedList(new ArrayList<>());
    private final long t0 = System.nanoTime();
    final ProgressListener listener = line -> {
        line = String.format("%6d ms %s", (System.nanoTime() - t0) / 1_000_000, line);
        log.add(line);
        System.out.println(line);
    };
    HAProxyInstance haproxy;
    DockerHostTarget target;
    Path journalDir;
    int[] ports;
    FileDeploymentJournal journal;
    private final String[] extraEnvironments;

    DockerHostFixture(String prefix, String... extraEnvironments) {
        this.environment = prefix + "-" + Long.toString(ThreadLocalRandom.current().nextLong(1L << 40), 36);
        this.extraEnvironments = extraEnvironments;
    }

    /** Images shared by a test class. */
    static final class Images {
        final TestImages images;
        final Digest v1;
        final Digest v2;
        final Digest broken;

        Images(String prefix) throws Exception {
            images = new TestImages(DockerClients.connect(Stack.dockerHost()), prefix);
            v1 = images.serving("v1");
            v2 = images.serving("v2");
            broken = images.broken("broken");
        }

        String repository() {
            return images.repository();
        }
    }

    @Override
    protected void before() throws Throwable {
        String[] environments = new String[extraEnvironments.length + 1];
        environments[0] = environment;
        System.arraycopy(extraEnvironments, 0, environments, 1, extraEnvironments.length);
        haproxy = HAProxyInstance.start(environments);
        ports = Ports.instanceBlock(20);
        target = new DockerHostTarget(docker, "127.0.0.1", ports[0], ports[1], HEALTH);
        journalDir = Files.createTempDirectory("journal");
        journal = new FileDeploymentJournal(journalDir);
    }

    @Override
    protected void after() {
        try {
            for (Container c : docker.listContainersCmd().withShowAll(true)
                    .withLabelFilter(Map.of(DockerHostTarget.ENVIRONMENT, environment)).exec()) {
                docker.removeContainerCmd(c.getId()).withForce(true).exec();
            }
            for (Container c : docker.listContainersCmd().withShowAll(true)
                    .withNameFilter(List.of("^/" + environment + "-")).exec()) {
                docker.removeContainerCmd(c.getId()).withForce(true).exec();
            }
            haproxy.close();
        } catch (Exception e) {
            throw new IllegalStateException("cleanup failed", e);
        }
    }

    Deployer.Builder deployer() {
        return Deployer.builder(target, haproxy.router(), journal).listener(listener)
                .drainTimeout(Duration.ofSeconds(5));
    }

    int frontend() {
        return haproxy.frontend(environment);
    }

    /** The running instances of a track, by what they actually run. */
    List<Instance> running(Track track) {
        return target.instances(environment).stream().filter(i -> i.track() == track && i.isRunning()).toList();
    }
}
