package io.jenkins.plugins.immutable.steps;

import io.jenkins.plugins.immutable.config.CanaryStrategy;
import io.jenkins.plugins.immutable.config.EnvironmentEntry;
import io.jenkins.plugins.immutable.config.ImmutableDeliveryConfiguration;
import io.jenkins.plugins.immutable.ledger.LedgerEntry;
import io.jenkins.plugins.immutable.testing.Stack;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.jvnet.hudson.test.JenkinsRule;

/**
 * The plugin's {@code promoteImage} of one canary promotion beside the CLI's {@code promote} of the same, on the same
 * stack and environment, alternating: the medians, their ratio (goal: the plugin at most 1.2x the CLI), and the peak
 * of Jenkins' heap during the plugin's promotions. Not part of the suite: {@code scripts/bench-plugin}.
 */
public class PromotionBench {

    @Rule
    public JenkinsRule r = new JenkinsRule();

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private final Promotions test3 = new Promotions("test3", "29550-29599");

    private static final String PAUSE = "5s";

    @Test
    public void promoteImageBesideTheCli() throws Exception {
        int rounds = Integer.getInteger("rounds", 5);
        EnvironmentEntry env = test3.entry(null);
        CanaryStrategy canary = new CanaryStrategy();
        canary.setSteps(List.of(50));
        canary.setPause(PAUSE);
        env.setStrategy(canary);
        ImmutableDeliveryConfiguration.get().setEnvironments(List.of(env));
        Path yaml = tmp.newFile("immutable.yaml").toPath();
        Files.writeString(yaml, "environments:\n"
                + "  - name: test3\n"
                + "    repository: " + test3.repository + "\n"
                + "    target:\n"
                + "      docker: { host: \"" + Stack.dockerHost() + "\", ports: \"29550-29599\","
                + " healthCheck: /health }\n"
                + "    router:\n"
                + "      haproxy: { socket: \"" + Stack.haproxySocket() + "\" }\n"
                + "    strategy:\n"
                + "      canary: { steps: [50], pause: " + PAUSE + " }\n", StandardCharsets.UTF_8);

        try {
            WorkflowJob bake = r.createProject(WorkflowJob.class, "bake");
            bake.setDefinition(new CpsFlowDefinition("def v1, v2\nnode {\n  "
                    + test3.bake(tmp.getRoot().toPath(), "v1", "1") + "  "
                    + test3.bake(tmp.getRoot().toPath(), "v2", "2") + "}\n"
                    + "echo \"images ${v1} ${v2}\"\n"
                    + "promoteImage image: v1, to: 'test3'\n", true));
            WorkflowRun baked = r.buildAndAssertSuccess(bake);
            String log = JenkinsRule.getLog(baked);
            String[] images = log.substring(log.indexOf("images ") + 7, log.indexOf('\n', log.indexOf("images ")))
                    .strip().split(" ");

            WorkflowJob promote = r.createProject(WorkflowJob.class, "promote");
            MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
            AtomicLong peak = new AtomicLong();
            List<Long> plugin = new ArrayList<>();
            List<Long> cli = new ArrayList<>();
            int next = 1;
            for (int i = 0; i < rounds; i++) {
                promote.setDefinition(new CpsFlowDefinition("promoteImage image: '" + images[next] + "', to: 'test3'\n",
                        true));
                Thread sampler = new Thread(() -> {
                    while (!Thread.currentThread().isInterrupted()) {
                        peak.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
                        try {
                            Thread.sleep(50);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                });
                sampler.start();
                long t0 = System.nanoTime();
                r.buildAndAssertSuccess(promote);
                plugin.add(System.nanoTime() - t0);
                sampler.interrupt();
                next = 1 - next;

                long t1 = System.nanoTime();
                Process p = new ProcessBuilder(Path.of("..", "bin", "immutable").toString(), "promote",
                        "--config", yaml.toString(), "--progress", "plain", "--to", "test3", images[next])
                        .redirectErrorStream(true).start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
                    throw new AssertionError("the CLI's promote failed:\n" + out);
                }
                cli.add(System.nanoTime() - t1);
                next = 1 - next;
            }
            LedgerEntry last = test3.ledger().last().orElseThrow();
            double pluginMedian = median(plugin) / 1e9;
            double cliMedian = median(cli) / 1e9;
            System.out.printf("promoteImage (plugin) median %.2f s over %d canary promotions (pause %s)%n",
                    pluginMedian, rounds, PAUSE);
            System.out.printf("immutable promote (CLI, a new JVM each) median %.2f s over %d%n", cliMedian, rounds);
            System.out.printf("ratio plugin/CLI %.2fx (goal <= 1.2x)%n", pluginMedian / cliMedian);
            System.out.printf("Jenkins heap peak during the plugin's promotions %d MiB of %d MiB max%n",
                    peak.get() >> 20, memory.getHeapMemoryUsage().getMax() >> 20);
            System.out.println("last ledger entry: " + last.summary());
        } finally {
            test3.removeInstances();
        }
    }

    private static double median(List<Long> values) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2.0;
    }
}
