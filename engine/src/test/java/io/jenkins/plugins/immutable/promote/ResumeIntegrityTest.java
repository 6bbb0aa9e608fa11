package io.jenkins.plugins.immutable.promote;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.deploy.BlueGreen;
import io.jenkins.plugins.immutable.deploy.DeploymentState;
import io.jenkins.plugins.immutable.deploy.DeploymentStateJson;
import io.jenkins.plugins.immutable.deploy.Phase;
import io.jenkins.plugins.immutable.deploy.Situation;
import io.jenkins.plugins.immutable.deploy.Stage;
import io.jenkins.plugins.immutable.image.Digest;
import io.jenkins.plugins.immutable.image.ImageManifest;
import io.jenkins.plugins.immutable.image.MediaTypes;
import io.jenkins.plugins.immutable.ledger.DeploymentRecord;
import io.jenkins.plugins.immutable.ledger.Ledger;
import io.jenkins.plugins.immutable.ledger.LedgerEntry;
import io.jenkins.plugins.immutable.ledger.LedgerFormat;
import io.jenkins.plugins.immutable.ledger.LedgerHistory;
import io.jenkins.plugins.immutable.ledger.LedgerLocation;
import io.jenkins.plugins.immutable.ledger.Outcome;
import io.jenkins.plugins.immutable.registry.ImageCopier;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.BeforeClass;
import org.junit.Rule;
import org.junit.Test;

/**
 * A deployment record in the ledger is not an order: forged by someone with push rights to the registry, or left by
 * a process that still runs, {@code resume} must not act on it blindly. On the stack's registry and Docker host.
 */
public class ResumeIntegrityTest {

    private static PromotionImages images;

    @Rule
    public final Site site = new Site("prod");

    @BeforeClass
    public static void buildImages() throws Exception {
        images = new PromotionImages();
    }

    private Promoter promoter(Environment env) {
        return Promoter.builder(images.client, new Ledger(images.client), env)
                .listener(site.listener).build();
    }

    private Environment signedOnly() {
        return site.environment("prod", Duration.ZERO, new GatePolicy(List.of(images.key.publicKey()), null, true,
                false, null, List.of()));
    }

    /**
     * Pushes, as an attacker with push rights can, a ledger version on top of the head whose deployment record says
     * a blue-green deployment of {@code to} is running, owned by {@code owner}; every hash is consistent.
     */
    private Digest forgeRunningDeployment(Environment env, Digest to, String owner) {
        LedgerLocation where = env.location();
        LedgerHistory head = new Ledger(images.client).read(where);
        DeploymentState last = DeploymentStateJson.fromJson(head.deployment().state().getBytes(StandardCharsets.UTF_8),
                where.toString());
        Instant now = Instant.now();
        List<Stage> plan = new BlueGreen(Duration.ZERO).plan(new Situation(env.name(), last.track(), last.to(), to,
                1, false, true, true));
        DeploymentState forged = new DeploymentState("forged-" + now.toEpochMilli(), env.name(), last.repository(),
                "blue-green", last.to(), last.track(), to, last.track().otherColour(), 1, plan, 0, true,
                Phase.RUNNING, 0, owner, last.revision() + 1, now, now, now, now, "planned");
        byte[] layer = LedgerFormat.write(LedgerFormat.withDeployment(head, new DeploymentRecord(forged.id(),
                new String(DeploymentStateJson.toJson(forged), StandardCharsets.UTF_8), now)));
        ImageManifest m = ImageManifest.builder(MediaTypes.OCI_MANIFEST)
                .artifactType(LedgerFormat.MEDIA_TYPE)
                .config(images.client.pushBlob(env.repository(), "{}".getBytes(StandardCharsets.UTF_8))
                        .withMediaType(MediaTypes.OCI_EMPTY))
                .layer(images.client.pushBlob(env.repository(), layer).withMediaType(LedgerFormat.MEDIA_TYPE))
                .build();
        images.client.putManifest(env.repository().tag(where.ledgerTag()), m);
        return m.digest();
    }

    private Digest ledgerHead(Environment env) {
        return images.client.headManifest(env.repository().tag(env.location().ledgerTag())).orElseThrow().digest();
    }

    @Test
    public void aForgedDeploymentRecordDoesNotCarryAnUnsignedDigestPastTheSignatureGate() {
        Environment prod = signedOnly();
        Promoter promoter = promoter(prod);
        promoter.promote(PromotionRequest.of(images.ci(images.v1), prod.name(), "alice", "run-1"));
        assertThrows("promoting it is refused", PromotionRefusedException.class, () -> promoter.promote(
                PromotionRequest.of(images.ci(images.unsigned), prod.name(), "mallory", null)));
        // The attacker pushes the unsigned digest into the environment's repository and a record deploying it.
        new ImageCopier(images.client).copy(images.ci(images.unsigned), prod.repository().digest(images.unsigned));
        forgeRunningDeployment(prod, images.unsigned, "mallory");

        PromotionRefusedException refused = assertThrows(PromotionRefusedException.class,
                () -> promoter.resume(prod.name(), "carol", "run-9"));
        assertTrue(refused.getMessage(), refused.getMessage().contains("signed"));
        assertTrue(refused.getMessage(), refused.getMessage().contains("rolled back to " + images.v1.shortForm()));
        assertFalse(site.running(prod).contains(images.unsigned));
        assertTrue(site.running(prod).contains(images.v1));
        LedgerHistory history = new Ledger(images.client).read(prod.location());
        LedgerEntry entry = history.last().orElseThrow();
        assertEquals(images.unsigned, entry.digest());
        assertEquals(Outcome.FAILED, entry.outcome());
        assertTrue(entry.reason(), entry.reason().contains("owner mallory"));
        assertEquals(images.v1, history.live().orElseThrow());
        assertEquals(images.v1, new Ledger(images.client).tagged(prod.location()).orElseThrow());

        // The environment is free again.
        promoter.promote(PromotionRequest.of(images.ci(images.v2), prod.name(), "bob", "run-10"));
        assertTrue(site.running(prod).contains(images.v2));
    }

    @Test
    public void aDeploymentWhoseOwnerStillRunsOnThisHostIsNotTakenOver() throws Exception {
        Environment prod = site.environment("prod", Duration.ZERO, GatePolicy.ORDER_ONLY);
        Promoter promoter = promoter(prod);
        promoter.promote(PromotionRequest.of(images.ci(images.v1), prod.name(), "alice", "run-1"));
        new ImageCopier(images.client).copy(images.ci(images.v2), prod.repository().digest(images.v2));
        Process owner = new ProcessBuilder("sleep", "120").start();
        try {
            Thread.sleep(50);
            Digest head = forgeRunningDeployment(prod, images.v2, "ci run 7 (pid " + owner.pid() + " on "
                    + InetAddress.getLocalHost().getHostName() + ")");
            EngineException e = assertThrows(EngineException.class,
                    () -> promoter.resume(prod.name(), "carol", "run-9"));
            assertEquals(e.getMessage(), EngineException.Kind.REFUSED, e.kind());
            assertTrue(e.getMessage(), e.getMessage().contains("is still driven by its owner, pid " + owner.pid()));
            assertEquals("nothing was written", head, ledgerHead(prod));
            assertTrue(site.running(prod).contains(images.v1));
            assertFalse(site.running(prod).contains(images.v2));
        } finally {
            owner.destroyForcibly().waitFor();
        }
        // Once it is gone, the deployment is resumed (it passes the gates) and recorded.
        PromotionResult resumed = promoter.resume(prod.name(), "carol", "run-9").orElseThrow();
        assertEquals(PromotionResult.Status.PROMOTED, resumed.status());
        assertTrue(site.running(prod).contains(images.v2));
    }

    @Test
    public void aPromotionOverALedgerTagMovedBackWritesNothingAndRecommendsNoOlderVersion() {
        Environment prod = site.environment("prod", Duration.ZERO, GatePolicy.ORDER_ONLY);
        promoter(prod).promote(PromotionRequest.of(images.ci(images.v1), prod.name(), "alice", "run-1"));
        Digest truncated = ledgerHead(prod);
        promoter(prod).promote(PromotionRequest.of(images.ci(images.v2), prod.name(), "bob", "run-2"));
        // The attacker puts the version before bob's promotion back under the ledger tag; the environment tag stays.
        images.client.putManifest(prod.repository().tag(prod.location().ledgerTag()),
                images.client.getManifest(prod.repository().digest(truncated)));

        EngineException e = assertThrows(EngineException.class, () -> promoter(prod).promote(
                PromotionRequest.of(images.ci(images.v3), prod.name(), "carol", "run-3")));
        assertEquals(e.getMessage(), EngineException.Kind.INTEGRITY, e.kind());
        assertTrue(e.getMessage(), e.getMessage().contains("Nothing was changed"));
        assertFalse(e.getMessage(), e.getMessage().contains("point the tag back at the last intact version"));
        assertEquals("no entry was appended", truncated, ledgerHead(prod));
        assertEquals(images.v2, new Ledger(images.client).tagged(prod.location()).orElseThrow());
        assertFalse(site.running(prod).contains(images.v3));
    }
}
