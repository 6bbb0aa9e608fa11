package io.jenkins.plugins.immutable.promote;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import com.github.dockerjava.api.DockerClient;
import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.ProgressListener;
import io.jenkins.plugins.immutable.deploy.BlueGreen;
import io.jenkins.plugins.immutable.deploy.TestImages;
import io.jenkins.plugins.immutable.deploy.docker.DockerClients;
import io.jenkins.plugins.immutable.image.Digest;
import io.jenkins.plugins.immutable.image.Repository;
import io.jenkins.plugins.immutable.ledger.Action;
import io.jenkins.plugins.immutable.ledger.Ledger;
import io.jenkins.plugins.immutable.ledger.LedgerEntry;
import io.jenkins.plugins.immutable.ledger.Outcome;
import io.jenkins.plugins.immutable.registry.RegistryClient;
import io.jenkins.plugins.immutable.registry.RegistryProcess;
import io.jenkins.plugins.immutable.testing.Stack;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * A rollback while the environment's registry is down is an outage of that registry (exit 5 on the command line), as
 * a promotion's is, not a version judged bad. On a registry of the test's own, stopped and started again, so that the
 * stack's registries other tests use are never disturbed.
 */
public class RollbackOutageTest {

    @Rule
    public final TemporaryFolder tmp = new TemporaryFolder();

    @Rule
    public final Site site = new Site("prod");

    private final RegistryClient client = RegistryClient.builder().build();

    @Test
    public void aRollbackWhoseRegistryGoesDownWhileTheDockerEnginePullsIsAnOutageNamingTheRegistry()
            throws Exception {
        DockerClient docker = DockerClients.connect(Stack.dockerHost());
        TestImages images = new TestImages(docker, "rollback-outage");
        // unique contents, so that removing this test's image from the Docker engine touches no other test's
        String nonce = UUID.randomUUID().toString();
        Digest v1 = images.serving("v1", Map.of("nonce", nonce));
        Digest v2 = images.serving("v2", Map.of("nonce", nonce));
        Repository ci = Repository.parse(images.repository());

        try (RegistryProcess own = RegistryProcess.start(tmp.newFolder("registry").toPath())) {
            Repository repo = Repository.parse(own.address() + "/app");
            Environment prod = site.environment("prod", repo, new BlueGreen(Duration.ZERO), GatePolicy.ORDER_ONLY);
            AtomicBoolean armed = new AtomicBoolean();
            ProgressListener listener = line -> {
                site.listener.line(line);
                if (armed.get() && line.startsWith("pulling " + repo)) {
                    // The registry goes down as the Docker engine starts pulling, and comes back a moment later,
                    // while the deployment returns traffic to what was live and the ledger records it.
                    armed.set(false);
                    own.stop();
                    Thread restart = new Thread(() -> {
                        try {
                            Thread.sleep(1000);
                            own.begin();
                        } catch (Exception e) {
                            site.listener.line("restarting the registry failed: " + e);
                        }
                    }, "registry restart");
                    restart.start();
                }
            };
            Promoter promoter = Promoter.builder(client, new Ledger(client), prod)
                    .listener(listener).build();
            promoter.promote(PromotionRequest.of(ci.digest(v1), prod.name(), "alice", "run-1"));
            promoter.promote(PromotionRequest.of(ci.digest(v2), prod.name(), "alice", "run-2"));
            // The Docker engine pulls v1 from the environment's registry again only when it no longer has it there.
            docker.removeImageCmd(repo + "@" + v1).exec();

            armed.set(true);
            PromotionResult result = promoter.rollback(new RollbackRequest(prod.name(), null, null, "bob", "run-3",
                    null));

            assertEquals(result.message(), PromotionResult.Status.FAILED, result.status());
            assertEquals(result.message(), EngineException.Kind.OUTAGE, result.failure());
            assertTrue(result.message(), result.message().contains("from the registry " + own.address()));
            EngineException e = assertThrows(EngineException.class, result::requireSuccess);
            assertEquals(EngineException.Kind.OUTAGE, e.kind());
            LedgerEntry entry = new Ledger(client).read(prod.location()).last().orElseThrow();
            assertEquals(Action.ROLLBACK, entry.action());
            assertEquals(Outcome.FAILED, entry.outcome());
            assertEquals(v2, new Ledger(client).read(prod.location()).live().orElseThrow());
            assertTrue(site.running(prod).contains(v2));
        }
    }

    @Test
    public void aRollbackWhileTheRegistryIsDownChangesNothingAndIsAnOutageNamingTheRegistry() throws Exception {
        DockerClient docker = DockerClients.connect(Stack.dockerHost());
        TestImages images = new TestImages(docker, "rollback-outage");
        Digest v1 = images.serving("v1");
        Digest v2 = images.serving("v2");
        Repository ci = Repository.parse(images.repository());
        try (RegistryProcess own = RegistryProcess.start(tmp.newFolder("registry").toPath())) {
            Repository repo = Repository.parse(own.address() + "/app");
            Environment prod = site.environment("prod", repo, new BlueGreen(Duration.ZERO), GatePolicy.ORDER_ONLY);
            Promoter promoter = Promoter.builder(client, new Ledger(client), prod)
                    .listener(site.listener).build();
            promoter.promote(PromotionRequest.of(ci.digest(v1), prod.name(), "alice", "run-1"));
            promoter.promote(PromotionRequest.of(ci.digest(v2), prod.name(), "alice", "run-2"));
            own.stop();

            EngineException e = assertThrows(EngineException.class, () -> promoter.rollback(new RollbackRequest(
                    prod.name(), null, null, "bob", "run-3", null)));
            assertEquals(e.getMessage(), EngineException.Kind.OUTAGE, e.kind());
            assertTrue(e.getMessage(), e.getMessage().contains(own.address()));
            assertTrue(site.running(prod).contains(v2));
            own.begin();
            assertEquals("nothing was recorded", 2, new Ledger(client).read(prod.location()).entries().size());
        }
    }
}
