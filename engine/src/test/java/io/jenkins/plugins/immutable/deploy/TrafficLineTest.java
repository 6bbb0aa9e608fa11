package io.jenkins.plugins.immutable.deploy;

import static org.junit.Assert.assertEquals;

import io.jenkins.plugins.immutable.image.Digest;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.Test;

/** The line a deployment prints where its traffic goes names roles (canary, stable, baseline), colours beside them. */
public class TrafficLineTest {

    private static final String OLD = Digest.sha256("old".getBytes(StandardCharsets.UTF_8)).shortForm();
    private static final String NEW = Digest.sha256("new".getBytes(StandardCharsets.UTF_8)).shortForm();

    @Test
    public void aCanaryStepNamesTheCanaryTheStableAndTheBaseline() {
        DeploymentState canary = FileDeploymentJournalTest.state(1);
        assertEquals("traffic in prod: canary 25% (green, " + NEW + "), stable 50% (blue, " + OLD + "), baseline 25% ("
                + OLD + ")", canary.traffic(Map.of(Track.GREEN, 25, Track.BLUE, 50, Track.BASELINE, 25)));
        assertEquals("traffic in prod: stable 100% (blue, " + OLD + ")",
                canary.traffic(canary.rollbackStage().weights()));
        assertEquals("traffic in prod: canary 100% (green, " + NEW + ")", canary.traffic(Map.of(Track.GREEN, 100)));
    }

    @Test
    public void otherStrategiesCallTheNewDigestNew() {
        DeploymentState s = FileDeploymentJournalTest.state(1);
        DeploymentState blueGreen = new DeploymentState(s.id(), s.environment(), s.repository(), "blue-green",
                s.from(), s.live(), s.to(), s.track(), s.replicas(), s.stages(), s.stage(), s.stageDone(), s.phase(),
                s.holds(), s.owner(), s.revision(), s.started(), s.updated(), s.stageCompleted(), s.since(),
                s.message());
        assertEquals("traffic in prod: new 0% (green, " + NEW + "), stable 100% (blue, " + OLD + ")",
                blueGreen.traffic(Map.of(Track.BLUE, 100, Track.GREEN, 0)));
        DeploymentState inPlace = new DeploymentState(s.id(), s.environment(), s.repository(), "rolling", s.from(),
                Track.BLUE, s.to(), Track.BLUE, s.replicas(), s.stages(), s.stage(), s.stageDone(), s.phase(),
                s.holds(), s.owner(), s.revision(), s.started(), s.updated(), s.stageCompleted(), s.since(),
                s.message());
        assertEquals("traffic in prod: rolling 100% (blue, " + NEW + ")", inPlace.traffic(Map.of(Track.BLUE, 100)));
    }
}
