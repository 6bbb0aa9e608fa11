package io.jenkins.plugins.immutable.retention;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.ProgressListener;
import io.jenkins.plugins.immutable.image.Descriptor;
import io.jenkins.plugins.immutable.image.Digest;
import io.jenkins.plugins.immutable.image.ImageManifest;
import io.jenkins.plugins.immutable.image.MediaTypes;
import io.jenkins.plugins.immutable.image.Repository;
import io.jenkins.plugins.immutable.ledger.Event;
import io.jenkins.plugins.immutable.ledger.Ledger;
import io.jenkins.plugins.immutable.ledger.LedgerLocation;
import io.jenkins.plugins.immutable.ledger.Outcome;
import io.jenkins.plugins.immutable.registry.RegistryClient;
import io.jenkins.plugins.immutable.sign.ImageSigner;
import io.jenkins.plugins.immutable.sign.SignatureVerifier;
import io.jenkins.plugins.immutable.sign.SigningKey;
import io.jenkins.plugins.immutable.sign.TrustPolicy;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * Retention on a registry of the test's own with deletion enabled: the plan keeps exactly what the rules keep, the
 * deletion removes the rest with its signatures, the registry's garbage collection reclaims the space, and every kept
 * digest still pulls and verifies.
 */
public class PrunerTest {

    private static final Duration OLD = Duration.ofDays(70);
    private static final RetentionPolicy POLICY = new RetentionPolicy(3, Duration.ofDays(30), List.of("v*"));

    private static PrivateRegistry registry;
    private static RegistryClient client;

    @BeforeClass
    public static void startRegistry() throws Exception {
        registry = new PrivateRegistry();
        client = RegistryClient.builder().build();
    }

    @AfterClass
    public static void stopRegistry() throws Exception {
        if (registry != null) {
            registry.close();
        }
    }

    private static int repositories;
    private final Map<String, Digest> images = new HashMap<>();

    private static Repository newRepository() {
        return new Repository(registry.host(), "team/app" + (++repositories));
    }

    /** An image with layers of its own (so that deleting it frees space), built at {@code created} or undated. */
    private Digest push(Repository repo, String name, Instant created, String tag) {
        String config = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"name\":\"" + name + "\""
                + (created == null ? "" : ",\"created\":\"" + created + "\"") + "}";
        ImageManifest.Builder b = ImageManifest.builder(MediaTypes.OCI_MANIFEST)
                .config(client.pushBlob(repo, config.getBytes(StandardCharsets.UTF_8))
                        .withMediaType(MediaTypes.OCI_CONFIG));
        byte[] layer = new byte[256 * 1024];
        new Random((repo.path() + name).hashCode()).nextBytes(layer); // no layer shared across tests' repositories
        b.layer(client.pushBlob(repo, layer).withMediaType(MediaTypes.OCI_LAYER_GZIP));
        ImageManifest m = b.build();
        client.putManifest(tag == null ? repo.digest(m.digest()) : repo.tag(tag), m);
        images.put(name, m.digest());
        return m.digest();
    }

    private static Ledger ledger(Duration ago) {
        return new Ledger(client, Clock.offset(Clock.systemUTC(), ago.negated()), Duration.ofMillis(50), 5);
    }

    private static void deploy(Ledger ledger, LedgerLocation where, Digest digest) {
        ledger.record(where, Event.promotion(digest, Outcome.DEPLOYED, "ci"), ProgressListener.NONE);
        ledger.moveTag(where, digest);
    }

    private static void rollBack(Ledger ledger, LedgerLocation where, Digest digest) {
        ledger.record(where, Event.rollback(digest, Outcome.ROLLED_BACK, "oncall"), ProgressListener.NONE);
        ledger.moveTag(where, digest);
    }

    private Pruner pruner() {
        return new Pruner(client, new Ledger(client), Clock.systemUTC(), ProgressListener.NONE);
    }

    private static Set<Digest> digests(List<Artifact> artifacts) {
        return artifacts.stream().map(Artifact::digest).collect(Collectors.toSet());
    }

    private static Set<Reason.Rule> rulesOf(RetentionPlan plan, Digest d) {
        return plan.kept().stream().filter(a -> a.digest().equals(d)).flatMap(a -> a.reasons().stream())
                .map(Reason::rule).collect(Collectors.toSet());
    }

    /**
     * prod took v1..v6 seventy days ago, then v7 this week and was rolled back to v6; CI pushed a tag per build; a
     * fresh build, an old build never promoted and an undated one sit beside them; another team's environment keeps
     * its ledger in the same repository.
     */
    private Repository history(LedgerLocation prod) {
        Repository repo = prod.repository();
        Instant longAgo = Instant.now().minus(OLD);
        Ledger old = ledger(OLD);
        for (int i = 1; i <= 6; i++) {
            deploy(old, prod, push(repo, "v" + i, longAgo, "build-" + i));
        }
        client.putManifest(repo.tag("v1.0"), client.getManifest(repo.digest(images.get("v2"))));
        LedgerLocation other = new LedgerLocation(repo, "other-team");
        deploy(old, other, push(repo, "theirs", longAgo, null));
        Ledger now = ledger(Duration.ZERO);
        deploy(now, prod, push(repo, "v7", Instant.now(), "build-7"));
        rollBack(now, prod, images.get("v6"));
        // freezes name no digest: retention passes over them
        now.record(prod, Event.freeze("oncall", "incident 4711"), ProgressListener.NONE);
        push(repo, "fresh", Instant.now().minus(Duration.ofDays(1)), "build-fresh");
        push(repo, "stale", longAgo, "build-stale");
        push(repo, "undated", null, "build-undated");
        return repo;
    }

    @Test
    public void planKeepsWhatEachRuleNamesAndDeletesTheRestWithItsSignatures() throws Exception {
        Repository repo = newRepository();
        LedgerLocation prod = new LedgerLocation(repo, "prod");
        history(prod);
        SigningKey key = SigningKey.generate();
        new ImageSigner(client).sign(repo.digest(images.get("v1")), key, Map.of());
        new ImageSigner(client).sign(repo.digest(images.get("v4")), key, Map.of());

        RetentionPlan plan = pruner().plan(List.of(prod), POLICY);

        Set<Digest> doomedImages = plan.doomed().stream().filter(a -> a.subject() == null).map(Artifact::digest)
                .collect(Collectors.toSet());
        assertEquals(plan.describe(), Set.of(images.get("v1"), images.get("v3"), images.get("stale")), doomedImages);
        assertTrue("v1's signature goes with it: " + plan.describe(), plan.doomed().stream()
                .anyMatch(a -> images.get("v1").equals(a.subject()) && a.tags().stream().anyMatch(t -> t.endsWith(".sig"))));
        assertEquals(Set.of(Reason.Rule.LIVE, Reason.Rule.ENVIRONMENT_TAG, Reason.Rule.KNOWN_GOOD,
                Reason.Rule.RECENT_ENTRY), rulesOf(plan, images.get("v6")));
        assertEquals(Set.of(Reason.Rule.KNOWN_GOOD), rulesOf(plan, images.get("v5")));
        assertEquals(Set.of(Reason.Rule.KNOWN_GOOD), rulesOf(plan, images.get("v4")));
        assertEquals("v7 was rolled back away from, so it is no rollback candidate, but this week's entries name it",
                Set.of(Reason.Rule.RECENT_ENTRY), rulesOf(plan, images.get("v7")));
        assertEquals(Set.of(Reason.Rule.KEEP_TAG), rulesOf(plan, images.get("v2")));
        assertEquals(Set.of(Reason.Rule.FRESH), rulesOf(plan, images.get("fresh")));
        assertEquals(Set.of(Reason.Rule.UNDATED), rulesOf(plan, images.get("undated")));
        assertTrue("another team's live digest stays", rulesOf(plan, images.get("theirs")).contains(Reason.Rule.LIVE));
        assertTrue("v4's signature stays with it", plan.kept().stream()
                .anyMatch(a -> images.get("v4").equals(a.subject()) && a.reasons().get(0).rule() == Reason.Rule.ATTACHMENT));
        assertTrue(plan.describe(), plan.describe().contains("build-3"));

        // Planning deletes nothing.
        assertTrue(client.headManifest(repo.digest(images.get("v1"))).isPresent());

        registry.stop();
        registry.garbageCollect();
        long before = registry.blobBytes();
        registry.start();

        PruneResult result = pruner().apply(plan);
        assertEquals(digests(plan.doomed()), digests(result.deleted()));
        for (Artifact gone : plan.doomed()) {
            assertFalse(gone.label(), client.headManifest(gone.reference()).isPresent());
        }

        registry.stop();
        String gcOutput = registry.garbageCollect();
        long after = registry.blobBytes();
        registry.start();
        assertTrue("garbage collection reclaims at least the three deleted images' layers (" + before + " -> "
                + after + " bytes): " + gcOutput, before - after >= 3 * 256 * 1024);

        // Everything kept still pulls whole, and the kept signature still verifies.
        for (Artifact kept : plan.kept()) {
            if (client.getManifest(kept.reference()) instanceof ImageManifest m) {
                for (Descriptor blob : m.blobs()) {
                    assertEquals(blob.digest(), Digest.sha256(client.readBlob(repo, blob)));
                }
            }
        }
        assertTrue(new SignatureVerifier(client).verify(repo.digest(images.get("v4")),
                TrustPolicy.of(List.of(key.publicKey()))).isVerified());
        assertTrue("the ledgers still read intact", new Ledger(client).verify(prod).intact());

        // A second run finds nothing more to delete.
        assertTrue(pruner().plan(List.of(prod), POLICY).describe(), pruner().plan(List.of(prod), POLICY)
                .deletesNothing());
    }

    @Test
    public void aPromotionBetweenPlanAndApplyMakesApplyDeleteNothing() {
        Repository repo = newRepository();
        LedgerLocation prod = new LedgerLocation(repo, "prod");
        history(prod);
        RetentionPlan plan = pruner().plan(List.of(prod), POLICY);
        assertFalse(plan.deletesNothing());

        // Someone promotes v3, which the plan would delete, back into prod.
        deploy(ledger(Duration.ZERO), prod, images.get("v3"));

        try {
            pruner().apply(plan);
            fail("applying a stale plan must be refused");
        } catch (EngineException e) {
            assertEquals(EngineException.Kind.REFUSED, e.kind());
            assertTrue(e.getMessage(), e.getMessage().contains("changed since the plan") && e.getMessage()
                    .contains("nothing was deleted"));
        }
        for (Artifact a : plan.doomed()) {
            assertTrue(a.label(), client.headManifest(a.reference()).isPresent());
        }
        RetentionPlan again = pruner().plan(List.of(prod), POLICY);
        assertTrue(rulesOf(again, images.get("v3")).contains(Reason.Rule.LIVE));
    }

    @Test
    public void aBrokenLedgerStopsThePlanBeforeAnythingIsDecided() {
        Repository repo = newRepository();
        LedgerLocation prod = new LedgerLocation(repo, "prod");
        history(prod);
        // Point the ledger tag at an image: the ledger can no longer be read as one.
        client.putManifest(repo.tag(prod.ledgerTag()), client.getManifest(repo.digest(images.get("v1"))));
        try {
            pruner().plan(List.of(prod), POLICY);
            fail("a broken ledger must stop retention");
        } catch (EngineException e) {
            assertEquals(e.getMessage(), EngineException.Kind.INTEGRITY, e.kind());
        }
    }

    @Test
    public void aPolicyThatWouldKeepNoRollbackTargetIsRefused() {
        try {
            new RetentionPolicy(0, Duration.ofDays(1), List.of());
            fail();
        } catch (EngineException e) {
            assertEquals(EngineException.Kind.BAD_INPUT, e.kind());
            assertTrue(e.getMessage(), e.getMessage().contains("keepLastGood to 1 or more"));
        }
    }
}
