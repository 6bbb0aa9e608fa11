package io.jenkins.plugins.immutable.deploy;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Service;
import com.github.dockerjava.api.model.UpdateOrder;
import io.jenkins.plugins.immutable.deploy.docker.DockerClients;
import io.jenkins.plugins.immutable.deploy.swarm.SwarmTarget;
import io.jenkins.plugins.immutable.testing.Stack;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.After;
import org.junit.BeforeClass;
import org.junit.Test;

/** Rolling on the stack's one-node Swarm: Swarm's own start-first update, and its rollback on failure. */
public class SwarmRollingTest {

    private static DockerHostFixture.Images images;

    private final DockerClient docker = DockerClients.connect(Stack.dockerHost());
    private final String environment = "sw-" + Long.toString(ThreadLocalRandom.current().nextLong(1L << 40), 36);
    // 600 ports from a random base in the deploy tests' range, so concurrent runs rarely meet.
    private final SwarmTarget target = new SwarmTarget(docker, "127.0.0.1",
            24000 + 100 * ThreadLocalRandom.current().nextInt(14), new HealthCheck("/", Duration.ofSeconds(15),
            Duration.ofMillis(200)), Duration.ofSeconds(2));
    private final List<String> log = Collections.synchronizedList(new ArrayList<>());

    @BeforeClass
    public static void buildImages() throws Exception {
        images = new DockerHostFixture.Images("deploy-swarm");
    }

    @After
    public void removeServices() {
        target.removeAll(environment);
    }

    private Deployer deployer() throws Exception {
        return Deployer.builder(target, TrafficRouter.NONE,
                new FileDeploymentJournal(Files.createTempDirectory("journal"))).listener(line -> {
                    log.add(line);
                    System.out.println(line);
                }).build();
    }

    /** Samples the healthy tasks on the expected digests while an update runs. */
    private final class Watch implements AutoCloseable {
        final AtomicBoolean running = new AtomicBoolean(true);
        final List<Integer> healthy = Collections.synchronizedList(new ArrayList<>());
        final Thread thread = new Thread(() -> {
            while (running.get()) {
                healthy.add((int) target.instances(environment).stream()
                        .filter(i -> i.isRunning() && HEALTH_PROBE.probe(i.address()) == null).count());
            }
        });

        Watch() {
            thread.start();
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            thread.join();
        }
    }

    private static final HealthCheck HEALTH_PROBE = new HealthCheck("/", Duration.ofSeconds(1), Duration.ofMillis(50));

    @Test
    public void rollsStartFirstSoCapacityNeverDrops() throws Exception {
        Deployer deployer = deployer();
        assertEquals(Phase.SUCCEEDED, deployer.deploy(environment, images.repository(), images.v1, 3,
                new Rolling(1)).phase());
        List<Instance> before = target.instances(environment);
        assertEquals(3, before.size());
        try (Watch watch = new Watch()) {
            DeploymentState state = deployer.deploy(environment, images.repository(), images.v2, 3, new Rolling(1));
            assertEquals(state.message(), Phase.SUCCEEDED, state.phase());
            watch.close();
            assertTrue("samples: " + watch.healthy.size(), watch.healthy.size() > 5);
            assertTrue("healthy tasks during the update: " + watch.healthy,
                    watch.healthy.stream().allMatch(n -> n >= 3));
        }
        List<Instance> after = target.instances(environment);
        assertEquals(3, after.stream().filter(i -> i.isRunning() && i.runs(images.v2) && i.track() == Track.BLUE)
                .count());
        assertTrue("new tasks run on the other port base: " + before + " -> " + after, after.stream()
                .map(Instance::address).noneMatch(a -> before.stream().map(Instance::address).toList().contains(a)));
        Service service = docker.inspectServiceCmd(SwarmTarget.serviceName(environment, Track.BLUE)).exec();
        assertEquals(UpdateOrder.START_FIRST, service.getSpec().getUpdateConfig().getOrder());
        assertEquals(1L, (long) service.getSpec().getUpdateConfig().getParallelism());
    }

    @Test
    public void aFailingUpdateIsRolledBackBySwarm() throws Exception {
        Deployer deployer = deployer();
        deployer.deploy(environment, images.repository(), images.v1, 2, new Rolling(1));
        DeploymentState state = deployer.deploy(environment, images.repository(), images.broken, 2, new Rolling(1));
        assertEquals(Phase.ROLLED_BACK, state.phase());
        assertTrue(state.message(), state.message().contains("Swarm rolled service " + environment + "-blue back"));
        List<Instance> after = target.instances(environment);
        assertEquals(after.toString(), 2, after.stream().filter(i -> i.isRunning() && i.runs(images.v1)).count());
        assertEquals(2, after.size());
    }
}
