package io.jenkins.plugins.immutable.cli;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Container;
import io.jenkins.plugins.immutable.deploy.docker.DockerClients;
import io.jenkins.plugins.immutable.deploy.docker.DockerHostTarget;
import io.jenkins.plugins.immutable.image.ImageReference;
import io.jenkins.plugins.immutable.image.Repository;
import io.jenkins.plugins.immutable.ledger.Ledger;
import io.jenkins.plugins.immutable.ledger.LedgerEntry;
import io.jenkins.plugins.immutable.ledger.LedgerHistory;
import io.jenkins.plugins.immutable.ledger.LedgerLocation;
import io.jenkins.plugins.immutable.ledger.Outcome;
import io.jenkins.plugins.immutable.registry.RegistryClient;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.After;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * An environment can always be recovered: an image whose config does not match its layers (the Docker engine refuses
 * to pull it) ends every command in a recorded state without a stack trace, and a deployment of it left unfinished by a
 * process that died is resumed or abandoned, after which promotions go on. On the stack's registry and Docker engine.
 */
public class RecoveryCommandTest {

    @Rule
    public final TemporaryFolder tmp = new TemporaryFolder();

    private final RegistryClient client = RegistryClient.builder().build();
    private final Repository repo = new Repository(Stacks.registry(), Stacks.unique("cli-recovery"));
    private final String env = "rec-" + Long.toString(ThreadLocalRandom.current().nextLong(1L << 40), 36);
    private final LedgerLocation where = new LedgerLocation(repo, env);

    private Path haproxy;

    /** The environment behind an HAProxy of the test's own (scripts/haproxy), on free ports of the CLI tests' range. */
    private Path dir() throws Exception {
        Path dir = tmp.getRoot().toPath();
        haproxy = tmp.newFolder("haproxy").toPath();
        haproxy("up", haproxy.toString(), Integer.toString(freePort()), env + "=" + freePort());
        int first = 28200 + ThreadLocalRandom.current().nextInt(30) * 20;
        Files.writeString(dir.resolve("immutable.yaml"), """
                environments:
                  - name: %s
                    repository: %s
                    target: { docker: { ports: "%d-%d" } }
                    router: { haproxy: { socket: %s } }
                    strategy: { blueGreen: { retention: 0s } }
                """.formatted(env, repo, first, first + 19, haproxy.resolve("admin.sock")));
        return dir;
    }

    private static int freePort() throws IOException {
        for (int attempt = 0; attempt < 100; attempt++) {
            int port = 28900 + ThreadLocalRandom.current().nextInt(100);
            try (ServerSocket probe = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                return port;
            } catch (IOException taken) {
                // another one
            }
        }
        throw new IOException("no free port in 28900-28999");
    }

    private static void haproxy(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Stacks.root().resolve("scripts/haproxy").toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(command + ": " + out, 0, p.waitFor());
    }

    @After
    public void removeInstances() throws Exception {
        try (DockerClient docker = DockerClients.connect(Stacks.require("DOCKER_HOST"))) {
            for (Container c : docker.listContainersCmd().withShowAll(true)
                    .withLabelFilter(Map.of(DockerHostTarget.ENVIRONMENT, env)).exec()) {
                docker.removeContainerCmd(c.getId()).withForce(true).exec();
            }
        }
        if (haproxy != null) {
            haproxy("down", haproxy.toString());
        }
    }

    private static void assertNoStackTrace(CliRun run) {
        assertFalse(run.toString(), (run.out() + run.err()).contains("\tat "));
        assertFalse(run.toString(), run.err().contains("unexpected"));
    }

    /** Runs {@link PromotionKilledAtPull} to its death; the environment is then owned by a deployment nobody drives. */
    private void killedAtPull(Path dir, ImageReference image) throws Exception {
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), PromotionKilledAtPull.class.getName(), dir.toString(),
                image.toString(), env).redirectErrorStream(true).start();
        String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(out, child.waitFor(120, TimeUnit.SECONDS));
        assertEquals(out, 137, child.exitValue());
        assertTrue(out, out.contains("pulling "));
    }

    private LedgerHistory ledger() {
        return new Ledger(client).read(where);
    }

    @Test
    public void anImageWhoseConfigDoesNotMatchItsLayersEndsRecordedAndAnEnvironmentItLeftStuckIsResumedOrAbandoned()
            throws Exception {
        Path dir = dir();
        ImageReference v1 = TestImages.serving(client, repo, "v1", "v1", true);
        ImageReference v2 = TestImages.serving(client, repo, "v2", "v2", true);
        ImageReference broken = TestImages.serving(client, repo, "broken", "broken", false);

        CliRun first = CliRun.run(dir, Map.of(), "promote", v1.toString(), "--to", env);
        assertEquals(first.toString(), 0, first.exitCode());

        // promote: the Docker engine refuses the image; the deployment rolls back and is recorded as failed.
        CliRun promoted = CliRun.run(dir, Map.of(), "promote", broken.toString(), "--to", env);
        assertEquals(promoted.toString(), 4, promoted.exitCode());
        assertNoStackTrace(promoted);
        assertTrue(promoted.err(), promoted.err().contains("the Docker engine refused the image " + repo + "@"
                + broken.digest() + ": Could not pull image: layers from manifest don't match image configuration;"
                + " the image itself is broken"));
        LedgerEntry failed = ledger().last().orElseThrow();
        assertEquals(broken.digest(), failed.digest());
        assertEquals(Outcome.FAILED, failed.outcome());
        assertEquals(v1.digest(), ledger().live().orElseThrow());
        CliRun nothing = CliRun.run(dir, Map.of(), "resume", env);
        assertEquals(nothing.toString(), 0, nothing.exitCode());

        // resume: a process that promoted it died before the pull; the deployment it left owns the environment.
        killedAtPull(dir, broken);
        CliRun owned = CliRun.run(dir, Map.of(), "promote", v2.toString(), "--to", env);
        assertEquals(owned.toString(), 3, owned.exitCode());
        assertTrue(owned.err(), owned.err().contains("immutable abandon " + env));
        CliRun resumed = CliRun.run(dir, Map.of(), "resume", env);
        assertEquals(resumed.toString(), 4, resumed.exitCode());
        assertNoStackTrace(resumed);
        LedgerHistory afterResume = ledger();
        assertEquals(broken.digest(), afterResume.last().orElseThrow().digest());
        assertEquals(Outcome.FAILED, afterResume.last().orElseThrow().outcome());
        assertEquals(v1.digest(), afterResume.live().orElseThrow());

        // abandon: the same again, given up instead of resumed.
        killedAtPull(dir, broken);
        CliRun abandoned = CliRun.run(dir, Map.of(), "--json", "abandon", env, "--reason", "image broken");
        assertEquals(abandoned.toString(), 0, abandoned.exitCode());
        assertNoStackTrace(abandoned);
        assertTrue(abandoned.out(), abandoned.out().contains("\"status\" : \"FAILED\""));
        LedgerEntry gaveUp = ledger().last().orElseThrow();
        assertEquals(Outcome.FAILED, gaveUp.outcome());
        assertTrue(gaveUp.reason(), gaveUp.reason().startsWith("abandoned by "));
        assertTrue(gaveUp.reason(), gaveUp.reason().endsWith("rolled back: image broken"));
        CliRun again = CliRun.run(dir, Map.of(), "abandon", env);
        assertEquals(again.toString(), 0, again.exitCode());
        assertTrue(again.out(), again.out().contains("no unfinished deployment to abandon"));

        CliRun unstuck = CliRun.run(dir, Map.of(), "promote", v2.toString(), "--to", env);
        assertEquals(unstuck.toString(), 0, unstuck.exitCode());
        assertEquals(v2.digest(), ledger().live().orElseThrow());
        CliRun history = CliRun.run(dir, Map.of(), "history", env);
        assertEquals(history.toString(), 0, history.exitCode());
    }
}
