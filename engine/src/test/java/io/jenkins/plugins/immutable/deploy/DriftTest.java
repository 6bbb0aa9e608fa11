package io.jenkins.plugins.immutable.deploy;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import com.github.dockerjava.api.model.HostConfig;
import io.jenkins.plugins.immutable.deploy.DriftReport.Kind;
import io.jenkins.plugins.immutable.testing.LoadLoop;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.BeforeClass;
import org.junit.Rule;
import org.junit.Test;

/** Drift on the Docker host behind HAProxy, after instances were replaced by hand. */
public class DriftTest {

    private static DockerHostFixture.Images images;

    @Rule
    public final DockerHostFixture fixture = new DockerHostFixture("drift");

    @BeforeClass
    public static void buildImages() throws Exception {
        images = new DockerHostFixture.Images("deploy-drift");
    }

    private DriftReport drift() {
        return Drift.check(fixture.target, fixture.haproxy.router(), fixture.environment, images.v1, 2,
                fixture.journal.load(fixture.environment).orElse(null));
    }

    /** Replaces a container by hand with one of the same name and port running v2, labels copied or not. */
    private void replaceByHand(Instance instance, boolean copyLabels) {
        var docker = fixture.docker;
        Map<String, String> labels = copyLabels ? docker.inspectContainerCmd(instance.id()).exec().getConfig()
                .getLabels() : Map.of();
        docker.removeContainerCmd(instance.id()).withForce(true).exec();
        String id = docker.createContainerCmd(images.repository() + "@" + images.v2).withName(instance.name())
                .withLabels(new HashMap<>(labels)).withEnv("PORT=" + instance.address().split(":")[1])
                .withHostConfig(HostConfig.newHostConfig().withNetworkMode("host")).exec().getId();
        docker.startContainerCmd(id).exec();
    }

    @Test
    public void instancesReplacedByHandAreReported() throws Exception {
        Deployer deployer = fixture.deployer().build();
        deployer.deploy(fixture.environment, images.repository(), images.v1, 2, new BlueGreen(Duration.ZERO));
        assertTrue(drift().summary(), drift().isClean());

        List<Instance> blue = fixture.running(Track.BLUE);
        replaceByHand(blue.get(0), false);
        replaceByHand(blue.get(1), true);
        // Both now answer v2 through HAProxy, which still points at their ports.
        try (LoadLoop load = LoadLoop.start(fixture.frontend(), 1)) {
            assertTrue(load.awaitAnswer("v2", Duration.ofSeconds(5)));
        }

        DriftReport report = drift();
        System.out.println(report.summary());
        Map<String, Set<Kind>> bySubject = report.differences().stream().collect(Collectors.groupingBy(
                DriftReport.Difference::subject, Collectors.mapping(DriftReport.Difference::kind, Collectors.toSet())));
        assertEquals(Set.of(Kind.UNMANAGED, Kind.WRONG_DIGEST), bySubject.get(blue.get(0).name()));
        assertEquals(Set.of(Kind.SWAPPED, Kind.WRONG_DIGEST), bySubject.get(blue.get(1).name()));
        assertEquals(Set.of(Kind.COUNT), bySubject.get(fixture.environment));
        assertEquals(Set.of(Kind.ROUTED_ELSEWHERE), bySubject.get("blue1"));
        assertEquals(Set.of(Kind.ROUTED_ELSEWHERE), bySubject.get("blue2"));
        assertTrue(report.summary(), report.summary().contains(blue.get(1).name() + " is labelled "
                + images.v1.shortForm() + " but runs " + images.v2.shortForm()));
        assertTrue(report.summary(), report.summary().contains("0 instances started by the engine run "
                + images.v1.shortForm() + "; 2 should"));
    }

    @Test
    public void aRetainedColourIsNotDriftButAnotherDigestIs() throws Exception {
        Deployer deployer = fixture.deployer().build();
        deployer.deploy(fixture.environment, images.repository(), images.v1, 1, new BlueGreen(Duration.ZERO));
        deployer.deploy(fixture.environment, images.repository(), images.v2, 1, new BlueGreen(Duration.ofMinutes(5)));
        DeploymentState retaining = fixture.journal.load(fixture.environment).orElseThrow();
        assertEquals(Phase.RETAINING, retaining.phase());
        assertTrue(Drift.check(fixture.target, fixture.haproxy.router(), fixture.environment, images.v2, 1,
                retaining).isClean());
        DriftReport stale = Drift.check(fixture.target, fixture.haproxy.router(), fixture.environment, images.v1, 1,
                retaining);
        assertEquals(Set.of(Kind.WRONG_DIGEST, Kind.COUNT, Kind.ROUTED_ELSEWHERE), stale.differences().stream()
                .map(DriftReport.Difference::kind).collect(Collectors.toSet()));
    }
}
