package io.jenkins.plugins.immutable.deploy;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.testing.LoadLoop;
import io.jenkins.plugins.immutable.testing.Stack;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.BeforeClass;
import org.junit.Rule;
import org.junit.Test;

/**
 * The engine killed with SIGKILL between steps, in a child JVM, and the deployment resumed here from the journal it
 * left: it finishes, or rolls back; meanwhile the traffic, split or not, has an owner and serves every request.
 */
public class DeploymentResumeTest {

    private static DockerHostFixture.Images images;

    @Rule
    public final DockerHostFixture fixture = new DockerHostFixture("res");

    @BeforeClass
    public static void buildImages() throws Exception {
        images = new DockerHostFixture.Images("deploy-resume");
    }

    /** Starts the engine in a child JVM and reads its output until {@code until} matches a line. */
    private Process child(String strategy, int freezeAfter, Predicate<String> until, List<String> output)
            throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process process = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                DeployChild.class.getName(), fixture.journalDir.toString(),
                fixture.haproxy.runtime().socket().toString(), Stack.dockerHost(), Integer.toString(fixture.ports[0]),
                Integer.toString(fixture.ports[1]), fixture.environment, images.repository(), images.v2.toString(),
                "2", strategy, Integer.toString(freezeAfter)).redirectErrorStream(true).start();
        BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        for (String line; System.nanoTime() < deadline && (line = reader.readLine()) != null; ) {
            output.add(line);
            System.out.println(line);
            if (until.test(line)) {
                return process;
            }
        }
        process.destroyForcibly();
        throw new AssertionError("the child never got there: " + output);
    }

    private static void kill(Process process) throws InterruptedException {
        process.destroyForcibly(); // SIGKILL: no shutdown hook, no finally block runs
        assertTrue(process.waitFor(10, TimeUnit.SECONDS));
        assertEquals("killed by SIGKILL", 128 + 9, process.exitValue());
    }

    @Test
    public void blueGreenKilledAfterStartingGreenIsFinishedByResume() throws Exception {
        Deployer here = fixture.deployer().build();
        String env = fixture.environment;
        here.deploy(env, images.repository(), images.v1, 2, new BlueGreen(Duration.ZERO));
        try (LoadLoop load = LoadLoop.start(fixture.frontend(), 2)) {
            assertTrue(load.awaitAnswer("v1", Duration.ofSeconds(5)));
            List<String> output = new ArrayList<>();
            Process process = child("blue-green", 1, "FROZEN"::equals, output);
            kill(process);

            DeploymentState left = fixture.journal.load(env).orElseThrow();
            assertEquals(Phase.RUNNING, left.phase());
            assertTrue(left.owner(), left.owner().startsWith("deploy-child (pid " + process.pid()));
            assertEquals("green is up, traffic still on blue", 2, fixture.running(Track.GREEN).size());
            assertEquals(Map.of(Track.BLUE, 100), fixture.haproxy.router().current(env).weights());
            EngineException refused = assertThrows(EngineException.class,
                    () -> here.deploy(env, images.repository(), images.v1, 2, new BlueGreen(Duration.ZERO)));
            assertEquals(EngineException.Kind.REFUSED, refused.kind());

            DeploymentState resumed = here.resume(env);
            assertEquals(Phase.RETAINING, resumed.phase());
            assertEquals(left.id(), resumed.id());
            long after = System.nanoTime();
            Thread.sleep(200);
            assertEquals(Set.of("v2"), load.countsSince(after).keySet());
            load.close();
            assertEquals(List.of(), load.failures());
        }
        assertEquals(Map.of(Track.GREEN, 100), fixture.haproxy.router().current(env).weights());
        assertEquals(Phase.SUCCEEDED, here.release(env).phase());
        assertEquals(List.of(), fixture.running(Track.BLUE));
    }

    @Test
    public void canaryKilledWhileTrafficIsSplitIsRolledBackOnResume() throws Exception {
        Deployer here = fixture.deployer().build();
        String env = fixture.environment;
        here.deploy(env, images.repository(), images.v1, 2, new BlueGreen(Duration.ZERO));
        try (LoadLoop load = LoadLoop.start(fixture.frontend(), 2)) {
            assertTrue(load.awaitAnswer("v1", Duration.ofSeconds(5)));
            List<String> output = new ArrayList<>();
            // The child walks into its canary step and pauses there for a few seconds, with the traffic split.
            Process process = child("canary:30:4000", -1, line -> line.contains("holding canary 30%"), output);
            kill(process);

            DeploymentState left = fixture.journal.load(env).orElseThrow();
            assertEquals(Phase.RUNNING, left.phase());
            assertTrue(left.owner().startsWith("deploy-child"));
            assertEquals(Map.of(Track.BLUE, 40, Track.GREEN, 30, Track.BASELINE, 30),
                    fixture.haproxy.router().current(env).weights());
            assertTrue("the canary serves its share", load.awaitAnswer("v2", Duration.ofSeconds(5)));

            List<CanaryStep> judged = new ArrayList<>();
            DeploymentState resumed = fixture.deployer().analysis(step -> {
                judged.add(step);
                return CanaryDecision.rollBack("Fail: error rate 4x the baseline");
            }).build().resume(env);
            // The pause ran on while no process did (the traffic stayed split): resume waits out only its rest.
            assertEquals(Phase.ROLLED_BACK, resumed.phase());
            assertEquals(1, judged.size());
            long after = System.nanoTime();
            Thread.sleep(200);
            assertEquals(Set.of("v1"), load.countsSince(after).keySet());
            load.close();
            assertEquals(List.of(), load.failures());
        }
        assertEquals(Map.of(Track.BLUE, 100), fixture.haproxy.router().current(env).weights());
        assertEquals(List.of(), fixture.running(Track.GREEN));
        assertEquals(List.of(), fixture.running(Track.BASELINE));
    }
}
