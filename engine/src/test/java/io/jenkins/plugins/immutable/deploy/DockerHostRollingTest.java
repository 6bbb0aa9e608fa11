package io.jenkins.plugins.immutable.deploy;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import io.jenkins.plugins.immutable.testing.LoadLoop;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.BeforeClass;
import org.junit.Rule;
import org.junit.Test;

/** Rolling on the Docker host behind HAProxy: batch by batch into the other colour, restored on failure. */
public class DockerHostRollingTest {

    private static DockerHostFixture.Images images;

    @Rule
    public final DockerHostFixture fixture = new DockerHostFixture("roll");

    @BeforeClass
    public static void buildImages() throws Exception {
        images = new DockerHostFixture.Images("deploy-roll");
    }

    @Test
    public void replacesInBatchesUnderLoadWithoutFailedRequests() throws Exception {
        List<DeploymentState> saved = new ArrayList<>();
        List<Routing> routings = new ArrayList<>();
        Deployer deployer = fixture.deployer().onSaved(s -> {
            saved.add(s);
            if (s.phase() == Phase.RUNNING && s.stageDone() && s.stage() > 0) {
                routings.add(fixture.haproxy.router().current(fixture.environment));
            }
        }).build();
        String env = fixture.environment;
        deployer.deploy(env, images.repository(), images.v1, 3, new Rolling(1));
        routings.clear();
        try (LoadLoop load = LoadLoop.start(fixture.frontend(), 2)) {
            assertTrue(load.awaitAnswer("v1", java.time.Duration.ofSeconds(5)));
            DeploymentState state = deployer.deploy(env, images.repository(), images.v2, 3, new Rolling(1));
            assertEquals(state.message(), Phase.SUCCEEDED, state.phase());
            assertEquals(3, state.stages().size());
            load.close();
            assertEquals(List.of(), load.failures());
            assertEquals(Set.of("v1", "v2"), load.countsSince(0).keySet());
        }
        // One instance at a time: a third, two thirds, then all of the traffic on the new digest.
        assertEquals(List.of(33, 67, 100), routings.stream().map(r -> r.weights().getOrDefault(Track.GREEN, 0)).toList());
        assertEquals(3, fixture.running(Track.GREEN).stream().filter(i -> i.runs(images.v2)).count());
        assertEquals(List.of(), fixture.running(Track.BLUE));
    }

    @Test
    public void aFailedBatchStopsTheRolloutAndRestoresEveryInstance() throws Exception {
        Deployer deployer = fixture.deployer().build();
        String env = fixture.environment;
        deployer.deploy(env, images.repository(), images.v1, 2, new Rolling(1));
        try (LoadLoop load = LoadLoop.start(fixture.frontend(), 2)) {
            assertTrue(load.awaitAnswer("v1", java.time.Duration.ofSeconds(5)));
            DeploymentState state = deployer.deploy(env, images.repository(), images.broken, 2, new Rolling(1));
            assertEquals(Phase.ROLLED_BACK, state.phase());
            assertTrue(state.message(), state.message().contains("stage 1/2: replace 1/2 instances")
                    && state.message().contains("exited with code 3"));
            load.close();
            assertEquals(List.of(), load.failures());
        }
        assertEquals(2, fixture.running(Track.BLUE).stream().filter(i -> i.runs(images.v1)).count());
        assertEquals(List.of(), fixture.target.instances(env).stream().filter(i -> i.track() == Track.GREEN).toList());
    }
}
