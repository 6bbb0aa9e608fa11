package io.jenkins.plugins.immutable.deploy;

import io.jenkins.plugins.immutable.ProgressListener;
import io.jenkins.plugins.immutable.deploy.docker.DockerClients;
import io.jenkins.plugins.immutable.deploy.docker.DockerHostTarget;
import io.jenkins.plugins.immutable.image.Digest;
import io.jenkins.plugins.immutable.testing.LoadLoop;
import io.jenkins.plugins.immutable.testing.Stack;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Issue 7's bench: the time from a rollback decision to all traffic on the previous digest, blue-green on the Docker
 * host behind HAProxy, under a bounded load on loopback (goal: under 1 second, no failed request). Each round deploys
 * v2 beside v1 (blue-green, v1 retained), lets the load run on v2, then rolls back and measures:
 * <ul>
 *   <li>switched: from the call of {@code Deployer.rollback} until HAProxy's weights say 100% on v1;</li>
 *   <li>last new: from the call until the last request that v2 answered was sent (every request sent later went to
 *       v1): the clients' view of the same moment;</li>
 *   <li>done: until {@code rollback} returned, v2 drained and stopped.</li>
 * </ul>
 * Run with scripts/bench-deploy [rounds]; the stack must be up.
 */
public final class RollbackBench {

    private RollbackBench() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        double loadAtStart = java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        TestImages images = new TestImages(DockerClients.connect(Stack.dockerHost()), "deploy-bench");
        Digest v1 = images.serving("v1");
        Digest v2 = images.serving("v2");
        String env = "bench-" + Long.toString(System.nanoTime() % 1_000_000, 36);
        List<Long> switched = new ArrayList<>();
        List<Long> lastNew = new ArrayList<>();
        List<Long> done = new ArrayList<>();
        long requests = 0;
        long failures = 0;
        try (HAProxyInstance haproxy = HAProxyInstance.start(env)) {
            int[] ports = Ports.instanceBlock(20);
            DockerHostTarget target = new DockerHostTarget(DockerClients.connect(Stack.dockerHost()), "127.0.0.1",
                    ports[0], ports[1], DockerHostFixture.HEALTH);
            AtomicLong switchedAt = new AtomicLong();
            ProgressListener listener = line -> {
                // the rollback's stage: the stable digest alone (a blue-green deployment's first stage also gives
                // stable 100%, but beside the new colour at 0%)
                if (line.startsWith("traffic in " + env + ": stable 100% (blue") && !line.contains(", new ")) {
                    switchedAt.set(System.nanoTime());
                }
            };
            Deployer deployer = Deployer.builder(target, haproxy.router(),
                    new FileDeploymentJournal(Files.createTempDirectory("journal"))).listener(listener)
                    .drainTimeout(Duration.ofSeconds(5)).build();
            try {
                deployer.deploy(env, images.repository(), v1, 2, new BlueGreen(Duration.ZERO));
                for (int round = 0; round < rounds; round++) {
                    try (LoadLoop load = LoadLoop.start(haproxy.frontend(env), 4)) {
                        deployer.deploy(env, images.repository(), v2, 2, new BlueGreen(Duration.ofMinutes(10)));
                        if (!load.awaitAnswer("v2", Duration.ofSeconds(5))) {
                            throw new IllegalStateException("v2 never answered");
                        }
                        Thread.sleep(300);
                        long decision = System.nanoTime();
                        DeploymentState state = deployer.rollback(env, "bench round " + round);
                        long returned = System.nanoTime();
                        Thread.sleep(300);
                        load.close();
                        if (state.phase() != Phase.ROLLED_BACK) {
                            throw new IllegalStateException("rollback ended " + state);
                        }
                        long lastV2 = load.answers().stream().filter(a -> a.ok() && "v2".equals(a.body()))
                                .mapToLong(LoadLoop.Answer::at).max().orElse(decision);
                        switched.add(switchedAt.get() - decision);
                        lastNew.add(Math.max(0, lastV2 - decision));
                        done.add(returned - decision);
                        requests += load.answers().size();
                        failures += load.failures().size();
                        Map<String, Integer> after = load.countsSince(returned);
                        if (!after.keySet().equals(java.util.Set.of("v1"))) {
                            throw new IllegalStateException("after the rollback: " + after);
                        }
                    }
                }
            } finally {
                for (Instance i : target.instances(env)) {
                    DockerClients.connect(Stack.dockerHost()).removeContainerCmd(i.id()).withForce(true).exec();
                }
            }
        }
        System.out.printf("rollback, blue-green on the Docker host behind HAProxy, 2 instances, 4 load threads,"
                + " %d rounds; wall-clock times; load average %.2f on %d processors (at the start: %.2f)%n", rounds,
                java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
                Runtime.getRuntime().availableProcessors(), loadAtStart);
        print("decision -> HAProxy 100% on previous digest", switched);
        print("decision -> last request answered by the new digest", lastNew);
        print("decision -> rollback returned (new colour drained, stopped)", done);
        System.out.printf("requests %d, failed %d%n", requests, failures);
    }

    private static void print(String what, List<Long> nanos) {
        List<Long> sorted = new ArrayList<>(nanos);
        Collections.sort(sorted);
        System.out.printf("%-62s median %7.1f ms  p90 %7.1f ms  max %7.1f ms%n", what,
                sorted.get(sorted.size() / 2) / 1e6, sorted.get((int) Math.ceil(sorted.size() * 0.9) - 1) / 1e6,
                sorted.get(sorted.size() - 1) / 1e6);
    }
}
