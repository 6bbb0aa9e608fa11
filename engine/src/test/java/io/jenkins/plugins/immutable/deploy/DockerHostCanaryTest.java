package io.jenkins.plugins.immutable.deploy;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import io.jenkins.plugins.immutable.testing.LoadLoop;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.BeforeClass;
import org.junit.Rule;
import org.junit.Test;

/** Canary with a baseline on the Docker host behind HAProxy; the analysis hook decides between steps. */
public class DockerHostCanaryTest {

    private static DockerHostFixture.Images images;

    @Rule
    public final DockerHostFixture fixture = new DockerHostFixture("can");

    @BeforeClass
    public static void buildImages() throws Exception {
        images = new DockerHostFixture.Images("deploy-canary");
    }

    /** Records what each step looked like to the judge, then answers as told. */
    private final class RecordingJudge implements CanaryAnalysis {
        final List<CanaryStep> steps = new ArrayList<>();
        final List<Map<Track, Integer>> weights = new ArrayList<>();
        final List<CanaryDecision> answers;

        RecordingJudge(CanaryDecision... answers) {
            this.answers = new ArrayList<>(List.of(answers));
        }

        @Override
        public CanaryDecision judge(CanaryStep step) {
            steps.add(step);
            weights.add(fixture.haproxy.router().current(fixture.environment).weights());
            return answers.remove(0);
        }
    }

    @Test
    public void walksTheWeightStepsAndPromotesUnderLoad() throws Exception {
        RecordingJudge judge = new RecordingJudge(CanaryDecision.proceed("pass"), CanaryDecision.hold("marginal"),
                CanaryDecision.proceed("pass"));
        Deployer deployer = fixture.deployer().analysis(judge).build();
        String env = fixture.environment;
        deployer.deploy(env, images.repository(), images.v1, 2, Canary.of(Duration.ZERO, 10));
        Canary canary = new Canary(List.of(new Canary.Step(10, Duration.ofMillis(300)),
                new Canary.Step(40, Duration.ofMillis(300))), 1, true);
        try (LoadLoop load = LoadLoop.start(fixture.frontend(), 2)) {
            assertTrue(load.awaitAnswer("v1", Duration.ofSeconds(5)));
            DeploymentState state = deployer.deploy(env, images.repository(), images.v2, 2, canary);
            assertEquals(state.message(), Phase.SUCCEEDED, state.phase());
            load.close();
            assertEquals(List.of(), load.failures());
        }
        assertEquals(List.of(Map.of(Track.BLUE, 80, Track.GREEN, 10, Track.BASELINE, 10),
                Map.of(Track.BLUE, 20, Track.GREEN, 40, Track.BASELINE, 40),
                Map.of(Track.BLUE, 20, Track.GREEN, 40, Track.BASELINE, 40)), judge.weights);
        CanaryStep first = judge.steps.get(0);
        assertEquals(List.of("green1"), first.canaryServers());
        assertEquals(List.of("baseline1"), first.baselineServers());
        assertEquals(env, first.backend());
        assertEquals(images.v2, first.canaryInstances().get(0).digest());
        assertEquals(images.v1, first.baselineInstances().get(0).digest());
        assertEquals(List.of(0, 1, 1), judge.steps.stream().map(CanaryStep::index).toList());
        assertEquals(List.of(0, 0, 1), judge.steps.stream().map(CanaryStep::holds).toList());
        assertEquals(2, fixture.running(Track.GREEN).stream().filter(i -> i.runs(images.v2)).count());
        assertEquals(List.of(), fixture.running(Track.BLUE));
        assertEquals(List.of(), fixture.running(Track.BASELINE));
        assertEquals(Map.of(Track.GREEN, 100), fixture.haproxy.router().current(env).weights());
    }

    @Test
    public void aFailedJudgementRollsBackAndRemovesCanaryAndBaseline() throws Exception {
        RecordingJudge judge = new RecordingJudge(CanaryDecision.proceed("pass"),
                CanaryDecision.rollBack("Fail: score 12 < 75"));
        Deployer deployer = fixture.deployer().analysis(judge).build();
        String env = fixture.environment;
        deployer.deploy(env, images.repository(), images.v1, 2, Canary.of(Duration.ZERO, 10));
        try (LoadLoop load = LoadLoop.start(fixture.frontend(), 2)) {
            assertTrue(load.awaitAnswer("v1", Duration.ofSeconds(5)));
            DeploymentState state = deployer.deploy(env, images.repository(), images.v2, 2,
                    Canary.of(Duration.ofMillis(300), 10, 30));
            assertEquals(Phase.ROLLED_BACK, state.phase());
            assertEquals("rolled back: canary analysis at 30%: Fail: score 12 < 75", state.message());
            long after = System.nanoTime();
            Thread.sleep(200);
            assertEquals(Set.of("v1"), load.countsSince(after).keySet());
            load.close();
            assertEquals(List.of(), load.failures());
            assertTrue("the canary served its share", load.countsSince(0).getOrDefault("v2", 0) > 0);
        }
        assertEquals(2, fixture.running(Track.BLUE).stream().filter(i -> i.runs(images.v1)).count());
        assertEquals(List.of(), fixture.running(Track.GREEN));
        assertEquals(List.of(), fixture.running(Track.BASELINE));
        String canaryLine = "traffic in " + env + ": canary 10% (green, " + images.v2.shortForm() + "), stable 80% (blue, "
                + images.v1.shortForm() + "), baseline 10% (" + images.v1.shortForm() + ")";
        assertTrue(String.join("\n", fixture.log), fixture.log.stream().anyMatch(l -> l.endsWith(canaryLine)));
        String back = "traffic in " + env + ": stable 100% (blue, " + images.v1.shortForm() + ")";
        assertTrue(String.join("\n", fixture.log), fixture.log.stream().anyMatch(l -> l.endsWith(back)));
    }
}
