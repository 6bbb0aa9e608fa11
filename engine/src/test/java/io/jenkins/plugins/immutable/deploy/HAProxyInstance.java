package io.jenkins.plugins.immutable.deploy;

import io.jenkins.plugins.immutable.deploy.haproxy.HAProxyRouter;
import io.jenkins.plugins.immutable.deploy.haproxy.HAProxyRuntime;
import io.jenkins.plugins.immutable.testing.Stack;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** An HAProxy of a test's own, started and stopped with scripts/haproxy, with one frontend per environment. */
public final class HAProxyInstance implements AutoCloseable {

    private final Path dir;
    private final int statsPort;
    private final Map<String, Integer> frontends;

    private HAProxyInstance(Path dir, int statsPort, Map<String, Integer> frontends) {
        this.dir = dir;
        this.statsPort = statsPort;
        this.frontends = frontends;
    }

    /** Starts one with a frontend per environment, on free ports of the deploy tests' range. */
    public static HAProxyInstance start(String... environments) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("haproxy");
        List<String> args = new ArrayList<>(List.of(Stack.script("haproxy").toString(), "up", dir.toString()));
        int stats = Ports.free();
        args.add(Integer.toString(stats));
        Map<String, Integer> frontends = new LinkedHashMap<>();
        for (String environment : environments) {
            int port = Ports.free();
            frontends.put(environment, port);
            args.add(environment + "=" + port);
        }
        run(args);
        return new HAProxyInstance(dir, stats, frontends);
    }

    public HAProxyRuntime runtime() {
        return new HAProxyRuntime(dir.resolve("admin.sock"));
    }

    public HAProxyRouter router() {
        return new HAProxyRouter(runtime());
    }

    public int frontend(String environment) {
        return frontends.get(environment);
    }

    int statsPort() {
        return statsPort;
    }

    @Override
    public void close() throws IOException, InterruptedException {
        run(List.of(Stack.script("haproxy").toString(), "down", dir.toString()));
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
        }
    }
}
