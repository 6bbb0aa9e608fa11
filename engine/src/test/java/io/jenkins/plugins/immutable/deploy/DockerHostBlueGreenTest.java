package io.jenkins.plugins.immutable.deploy;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import io.jenkins.plugins.immutable.testing.LoadLoop;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.BeforeClass;
import org.junit.Rule;
import org.junit.Test;

/** Blue-green on the Docker host behind HAProxy, under a bounded load. */
public class DockerHostBlueGreenTest {

    private static DockerHostFixture.Images images;

    @Rule
    public final DockerHostFixture fixture = new DockerHostFixture("bg");

    @BeforeClass
    public static void buildImages() throws Exception {
        images = new DockerHostFixture.Images("deploy-bg");
    }

    @Test
    public void switchAndRollbackUnderLoadFailNoRequest() throws Exception {
        Deployer deployer = fixture.deployer().build();
        String env = fixture.environment;
        DeploymentState first = deployer.deploy(env, images.repository(), images.v1, 2, new BlueGreen(Duration.ofMinutes(5)));
        assertEquals(Phase.SUCCEEDED, first.phase());

        try (LoadLoop load = LoadLoop.start(fixture.frontend(), 3)) {
            assertTrue("v1 serves before the switch", load.awaitAnswer("v1", Duration.ofSeconds(5)));
            DeploymentState switched = deployer.deploy(env, images.repository(), images.v2, 2,
                    new BlueGreen(Duration.ofMinutes(5)));
            assertEquals(Phase.RETAINING, switched.phase());
            assertEquals(Track.GREEN, switched.track());
            long afterSwitch = System.nanoTime();
            assertTrue(load.awaitAnswer("v2", Duration.ofSeconds(5)));
            Thread.sleep(300);
            assertEquals("only green serves after the switch", Set.of("v2"), load.countsSince(afterSwitch).keySet());
            assertEquals("blue is kept warm, without traffic", 2, fixture.running(Track.BLUE).size());
            assertEquals(Map.of(Track.GREEN, 100), fixture.haproxy.router().current(env).weights());

            DeploymentState rolledBack = deployer.rollback(env, "v2 misbehaves");
            long afterRollback = System.nanoTime();
            assertEquals(Phase.ROLLED_BACK, rolledBack.phase());
            Thread.sleep(300);
            assertEquals("only blue serves after the rollback", Set.of("v1"), load.countsSince(afterRollback).keySet());
            load.close();
            assertEquals("failed requests: " + load.failures(), List.of(), load.failures());
            assertTrue("the load ran through both switches: " + load.answers().size(), load.answers().size() > 100);
        }
        assertEquals(2, fixture.running(Track.BLUE).stream().filter(i -> i.runs(images.v1)).count());
        assertEquals("green is gone after the rollback", List.of(), fixture.running(Track.GREEN));
        Routing routing = fixture.haproxy.router().current(env);
        assertEquals(routing.servers().toString(), Map.of(Track.BLUE, 100), routing.weights());
    }

    @Test
    public void unhealthyNewColourIsRolledBackWithoutTouchingTraffic() throws Exception {
        Deployer deployer = fixture.deployer().build();
        String env = fixture.environment;
        deployer.deploy(env, images.repository(), images.v1, 2, new BlueGreen(Duration.ZERO));
        try (LoadLoop load = LoadLoop.start(fixture.frontend(), 2)) {
            assertTrue(load.awaitAnswer("v1", Duration.ofSeconds(5)));
            DeploymentState state = deployer.deploy(env, images.repository(), images.broken, 2,
                    new BlueGreen(Duration.ZERO));
            assertEquals(Phase.ROLLED_BACK, state.phase());
            assertTrue(state.message(), state.message().contains("exited with code 3")
                    && state.message().contains("missing configuration: DATABASE_URL"));
            load.close();
            assertEquals(List.of(), load.failures());
            assertEquals(Set.of("v1"), load.countsSince(0).keySet());
        }
        assertEquals(List.of(), fixture.target.instances(env).stream().filter(i -> i.track() == Track.GREEN).toList());
        assertEquals(Phase.ROLLED_BACK, deployer.current(env).orElseThrow().phase());
        // The environment is free again: the next deployment goes ahead from blue.
        DeploymentState next = deployer.deploy(env, images.repository(), images.v2, 2, new BlueGreen(Duration.ZERO));
        assertEquals(Phase.SUCCEEDED, next.phase());
        assertEquals(Track.GREEN, next.track());
        assertEquals(List.of(), fixture.running(Track.BLUE));
    }

    @Test
    public void anUnfinishedDeploymentOwnsTheEnvironment() throws Exception {
        Deployer deployer = fixture.deployer().build();
        String env = fixture.environment;
        deployer.deploy(env, images.repository(), images.v1, 1, new BlueGreen(Duration.ZERO));
        DeploymentState done = fixture.journal.load(env).orElseThrow();
        // As a process that died after its first stage leaves it:
        DeploymentState unfinished = new DeploymentState("dead", env, images.repository(), "blue-green", images.v1,
                Track.BLUE, images.v2, Track.GREEN, 1, new BlueGreen(Duration.ZERO).plan(new Situation(env, Track.BLUE,
                images.v1, images.v2, 1, false, true, true)), 1, true, Phase.RUNNING, 0, "pid 1 on elsewhere",
                done.revision() + 1, done.updated(), done.updated(), done.updated(), done.updated(), "done: stage 1/3");
        fixture.journal.save(unfinished);
        try {
            deployer.deploy(env, images.repository(), images.v2, 1, new BlueGreen(Duration.ZERO));
            org.junit.Assert.fail("deployed over an unfinished deployment");
        } catch (io.jenkins.plugins.immutable.EngineException e) {
            assertEquals(io.jenkins.plugins.immutable.EngineException.Kind.REFUSED, e.kind());
            assertTrue(e.getMessage(), e.getMessage().contains("pid 1 on elsewhere")
                    && e.getMessage().contains("resume it or roll it back"));
        }
        DeploymentState resumed = deployer.resume(env);
        assertEquals(Phase.SUCCEEDED, resumed.phase());
        assertEquals(1, fixture.running(Track.GREEN).stream().filter(i -> i.runs(images.v2)).count());
        assertEquals(List.of(), fixture.running(Track.BLUE));
    }
}
