package io.jenkins.plugins.immutable.deploy;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.image.Digest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.Test;

/** What each strategy plans, and what it refuses. */
public class StrategiesTest {

    private static final Digest OLD = Digest.sha256("old".getBytes(StandardCharsets.UTF_8));
    private static final Digest NEW = Digest.sha256("new".getBytes(StandardCharsets.UTF_8));

    private static Situation behindHAProxy(int replicas) {
        return new Situation("prod", Track.BLUE, OLD, NEW, replicas, false, true, true);
    }

    @Test
    public void everyStrategyStartsAFirstDeploymentInBlueWithAllTraffic() {
        Situation first = new Situation("prod", null, null, NEW, 2, false, true, true);
        for (DeploymentStrategy strategy : List.of(new Rolling(1), new BlueGreen(Duration.ZERO),
                Canary.of(Duration.ZERO, 5))) {
            List<Stage> plan = strategy.plan(first);
            assertEquals(1, plan.size());
            assertEquals(List.of(new Group(Track.BLUE, NEW, 2)), plan.get(0).groups());
            assertEquals(Map.of(Track.BLUE, 100), plan.get(0).weights());
        }
    }

    @Test
    public void blueGreenStartsBesideSwitchesAtOnceAndReleasesAfterRetention() {
        List<Stage> plan = new BlueGreen(Duration.ofMinutes(15)).plan(behindHAProxy(3));
        assertEquals(3, plan.size());
        assertEquals(Map.of(Track.BLUE, 100, Track.GREEN, 0), plan.get(0).weights());
        assertEquals(List.of(new Group(Track.BLUE, OLD, 3), new Group(Track.GREEN, NEW, 3)), plan.get(0).groups());
        assertEquals(Map.of(Track.BLUE, 0, Track.GREEN, 100), plan.get(1).weights());
        assertEquals(List.of(new Group(Track.GREEN, NEW, 3)), plan.get(2).groups());
        assertEquals(Duration.ofMinutes(15), plan.get(2).after());
    }

    @Test
    public void rollingMovesBatchByBatchIntoTheOtherColourOnADockerHost() {
        List<Stage> plan = new Rolling(2).plan(behindHAProxy(5));
        assertEquals(List.of(Map.of(Track.GREEN, 40, Track.BLUE, 60), Map.of(Track.GREEN, 80, Track.BLUE, 20),
                Map.of(Track.GREEN, 100)), plan.stream().map(Stage::weights).toList());
        assertEquals(List.of(new Group(Track.GREEN, NEW, 4), new Group(Track.BLUE, OLD, 1)), plan.get(1).groups());
    }

    @Test
    public void rollingLeavesTheBatchesToAnOrchestratorThatUpdatesInPlace() {
        List<Stage> plan = new Rolling(2).plan(new Situation("prod", Track.BLUE, OLD, NEW, 5, true, false, false));
        assertEquals(1, plan.size());
        assertEquals(List.of(new Group(Track.BLUE, NEW, 5)), plan.get(0).groups());
        assertEquals(2, plan.get(0).batch());
    }

    @Test
    public void canaryStepsGiveTheBaselineTheCanarysShareThenPromote() {
        List<Stage> plan = Canary.of(Duration.ofMinutes(5), 5, 25, 50).plan(behindHAProxy(4));
        assertEquals(4, plan.size());
        assertEquals(Map.of(Track.BLUE, 90, Track.GREEN, 5, Track.BASELINE, 5), plan.get(0).weights());
        assertEquals(Map.of(Track.BLUE, 0, Track.GREEN, 50, Track.BASELINE, 50), plan.get(2).weights());
        assertEquals(List.of(new Group(Track.BLUE, OLD, 4), new Group(Track.GREEN, NEW, 1),
                new Group(Track.BASELINE, OLD, 1)), plan.get(0).groups());
        assertTrue(plan.get(0).analysis());
        assertEquals(Duration.ofMinutes(5), plan.get(0).pause());
        assertEquals(List.of(new Group(Track.GREEN, NEW, 4)), plan.get(3).groups());
        assertEquals(Map.of(Track.GREEN, 100), plan.get(3).weights());
    }

    @Test
    public void canaryBehindAServiceSizesTracksToApproximateTheWeights() {
        Situation service = new Situation("prod", Track.BLUE, OLD, NEW, 10, true, true, false);
        List<Stage> plan = new Canary(List.of(new Canary.Step(10, Duration.ZERO), new Canary.Step(25, Duration.ZERO)),
                1, true).plan(service);
        assertEquals(new Group(Track.GREEN, NEW, 1), plan.get(0).group(Track.GREEN));   // 1 of 12 pods
        assertEquals(new Group(Track.GREEN, NEW, 5), plan.get(1).group(Track.GREEN));   // 5 of 20 pods
        assertEquals(new Group(Track.BASELINE, OLD, 5), plan.get(1).group(Track.BASELINE));
    }

    @Test
    public void strategiesThatMoveTrafficRefuseATargetWithoutARouter() {
        Situation swarm = new Situation("prod", Track.BLUE, OLD, NEW, 2, true, false, false);
        EngineException e = assertThrows(EngineException.class, () -> new BlueGreen(Duration.ZERO).plan(swarm));
        assertEquals(EngineException.Kind.BAD_INPUT, e.kind());
        assertTrue(e.getMessage(), e.getMessage().contains("use the rolling strategy there"));
        assertThrows(EngineException.class, () -> Canary.of(Duration.ZERO, 5).plan(swarm));
    }

    @Test
    public void badSettingsAreRefusedWithWhatToDo() {
        assertTrue(assertThrows(EngineException.class, () -> Canary.of(Duration.ZERO, 25, 5)).getMessage()
                .contains("canary weights must rise step by step between 1 and 50"));
        assertTrue(assertThrows(EngineException.class, () -> Canary.of(Duration.ZERO, 60)).getMessage()
                .contains("the baseline takes as much as the canary"));
        assertEquals(1, Canary.of(Duration.ZERO, 30, 100).steps().size());
        assertTrue(assertThrows(EngineException.class, () -> new Rolling(0)).getMessage().contains("at least 1"));
        assertTrue(assertThrows(EngineException.class, () -> new BlueGreen(Duration.ofSeconds(-1))).getMessage()
                .contains("zero or more"));
        assertTrue(assertThrows(EngineException.class, () -> Environments.requireValidName("Prod_1")).getMessage()
                .contains("lower-case letters, digits and '-'"));
        assertTrue(assertThrows(EngineException.class, () -> Stage.of("x", List.of(new Group(Track.BLUE, NEW, 1)),
                Map.of(Track.BLUE, 90))).getMessage().contains("add up to 90, not 100"));
    }
}
