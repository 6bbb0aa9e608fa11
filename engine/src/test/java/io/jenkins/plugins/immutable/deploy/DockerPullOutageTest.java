package io.jenkins.plugins.immutable.deploy;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.image.Digest;
import java.nio.charset.StandardCharsets;
import org.junit.Rule;
import org.junit.Test;

/** A registry that is down while the stack's Docker engine pulls is an outage of that registry, not a bad version. */
public class DockerPullOutageTest {

    @Rule
    public final DockerHostFixture fixture = new DockerHostFixture("pull-outage");

    @Test
    public void aPullFromARegistryThatIsDownRollsBackAndIsReportedAsAnOutageNamingTheRegistry() {
        String registry = "127.0.0.1:" + Ports.free();
        Digest digest = Digest.sha256("never pushed".getBytes(StandardCharsets.UTF_8));
        Deployer deployer = fixture.deployer().build();

        DeploymentState state = deployer.deploy(fixture.environment, registry + "/app", digest, 1, new Rolling(1));

        assertEquals("the deployment ends recorded, not owning the traffic", Phase.ROLLED_BACK, state.phase());
        EngineException failure = deployer.failure().orElseThrow();
        assertEquals(failure.getMessage(), EngineException.Kind.OUTAGE, failure.kind());
        assertTrue(failure.getMessage(), failure.getMessage().contains("could not pull " + registry + "/app@"
                + digest + " from the registry " + registry));
        assertTrue(state.message(), state.message().contains("from the registry " + registry));
    }
}
