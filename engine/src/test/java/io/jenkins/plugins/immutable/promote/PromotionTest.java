package io.jenkins.plugins.immutable.promote;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.image.Digest;
import io.jenkins.plugins.immutable.ledger.Action;
import io.jenkins.plugins.immutable.ledger.Ledger;
import io.jenkins.plugins.immutable.ledger.LedgerEntry;
import io.jenkins.plugins.immutable.ledger.LedgerHistory;
import io.jenkins.plugins.immutable.ledger.Outcome;
import io.jenkins.plugins.immutable.sign.SignatureVerifier;
import io.jenkins.plugins.immutable.sign.TrustPolicy;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.BeforeClass;
import org.junit.Rule;
import org.junit.Test;

/**
 * Promotion and rollback end to end on the stack: real registry (copy by digest with signatures and attestations,
 * ledger), real Docker host behind HAProxy (blue-green), real signatures, scans and provenance.
 */
public class PromotionTest {

    private static PromotionImages images;

    @Rule
    public final Site site = new Site("dev", "test", "prod");

    private final List<ApprovalRequest> asked = new ArrayList<>();

    @BeforeClass
    public static void buildImages() throws Exception {
        images = new PromotionImages();
    }

    private GatePolicy gates(boolean approval) {
        return new GatePolicy(List.of(images.key.publicKey()), Duration.ofHours(1), true, approval,
                PromotionImages.PROVENANCE, List.of(images.key.publicKey()));
    }

    private Promoter promoter(Environment... environments) {
        return Promoter.builder(images.client, new Ledger(images.client), environments)
                .listener(site.listener).approval(request -> {
                    asked.add(request);
                    return Approval.approved("lead", "go");
                }).build();
    }

    private static LedgerHistory ledger(Environment env) {
        return new Ledger(images.client).read(env.location());
    }

    @Test
    public void promotesADigestFromDevThroughTestToProdThroughAllGates() {
        Environment dev = site.environment("dev", Duration.ZERO, gates(false));
        Environment test = site.environment("test", Duration.ZERO, gates(false));
        Environment prod = site.environment("prod", Duration.ZERO, gates(true));
        Promoter promoter = promoter(dev, test, prod);
        Digest v2 = images.v2;

        PromotionResult toDev = promoter.promote(PromotionRequest.of(images.ci(v2), dev.name(), "alice", "run-1"));
        PromotionResult toTest = promoter.promote(PromotionRequest.of(toDev.image(), test.name(), "alice", "run-2"));
        PromotionResult toProd = promoter.promote(PromotionRequest.of(toTest.image(), prod.name(), "alice", "run-3"));

        for (Environment env : List.of(dev, test, prod)) {
            LedgerHistory h = ledger(env);
            assertEquals(1, h.entries().size());
            LedgerEntry e = h.entries().get(0);
            assertEquals(v2, e.digest());
            assertEquals(Outcome.DEPLOYED, e.outcome());
            assertEquals("alice", e.actor());
            assertEquals("blue-green", e.event().strategy());
            assertEquals(v2, new Ledger(images.client).tagged(env.location()).orElseThrow());
            assertEquals(Set.of(v2), site.running(env));
            // Copied by digest, with its signature: it verifies in the environment's own repository.
            assertTrue(new SignatureVerifier(images.client).verify(env.repository().digest(v2),
                    TrustPolicy.of(List.of(images.key.publicKey())).withAnyIdentity()).isVerified());
        }
        assertEquals(PromotionResult.Status.PROMOTED, toProd.status());
        assertEquals(prod.repository().digest(v2), toProd.image());
        List<String> gates = ledger(prod).entries().get(0).event().gates();
        assertEquals(6, gates.size());
        assertEquals("freeze: passed, " + prod.name() + " is not frozen", gates.get(0));
        assertTrue(gates.get(1), gates.get(1).startsWith("previous-environment: passed, deployed in " + test.name()));
        assertTrue(gates.get(2), gates.get(2).startsWith("signed: passed, signed by "));
        assertTrue(gates.get(3), gates.get(3).startsWith("scanned: passed, scan of "));
        assertTrue(gates.get(4), gates.get(4).startsWith("provenance: passed, built by https://ci.example/job/app/"));
        assertEquals("approval: passed, approved by lead: go", gates.get(5));
        assertEquals(1, asked.size());
        assertEquals(prod.name(), asked.get(0).environment());

        PromotionResult again = promoter.promote(PromotionRequest.of(toTest.image(), prod.name(), "bob", null));
        assertEquals(PromotionResult.Status.ALREADY_LIVE, again.status());
        assertTrue(again.message(), again.message().contains(v2.shortForm() + " is already live in " + prod.name()
                + " (entry #1, promote by alice"));
        assertTrue(again.message(), again.message().endsWith("nothing to do"));
        assertNull(again.entry());
        assertEquals(1, ledger(prod).entries().size());
        assertEquals("no approval is asked for a no-op", 1, asked.size());
    }

    @Test
    public void rollsBackToThePreviousKnownGoodDigestAndToANamedOneByReplacement() {
        // Blue-green keeps the old colour 10 minutes: the first rollback is a traffic switch back to it.
        Environment prod = site.environment("prod", Duration.ofMinutes(10), gates(false));
        Promoter promoter = promoter(prod);
        promoter.promote(PromotionRequest.of(images.ci(images.v2), prod.name(), "alice", "run-1"));
        promoter.promote(PromotionRequest.of(images.ci(images.v3), prod.name(), "alice", "run-2"));
        assertEquals(images.v3, ledger(prod).live().orElseThrow());

        PromotionResult back = promoter.rollback(RollbackRequest.toPrevious(prod.name(), "bob", "run-3"));
        assertEquals(PromotionResult.Status.ROLLED_BACK, back.status());
        assertEquals(images.v3, back.previous());
        assertTrue(back.message(), back.message().contains("traffic switched back to the retained"));
        LedgerEntry entry = ledger(prod).last().orElseThrow();
        assertEquals(Action.ROLLBACK, entry.action());
        assertEquals(Outcome.ROLLED_BACK, entry.outcome());
        assertEquals(images.v2, entry.digest());
        assertEquals(images.v3, entry.previousDigest());
        assertEquals(images.v2, new Ledger(images.client).tagged(prod.location()).orElseThrow());
        assertTrue(site.running(prod).contains(images.v2));

        // v3 was rolled back from: it is no longer a known-good digest, but it can be named.
        EngineException none = assertThrows(EngineException.class,
                () -> promoter.rollback(RollbackRequest.toPrevious(prod.name(), "bob", null)));
        assertTrue(none.getMessage(), none.getMessage().contains("has no earlier known-good digest"));
        PromotionResult named = promoter.rollback(RollbackRequest.to(prod.name(), images.v3, "bob", "run-4"));
        assertEquals(PromotionResult.Status.ROLLED_BACK, named.status());
        assertTrue(named.message(), named.message().contains("(blue-green, ledger entry #4)"));
        // Deployed anew with blue-green; v2 stays warm in the other colour for the retention.
        assertTrue(site.running(prod).contains(images.v3));
        assertEquals(images.v3, new Ledger(images.client).tagged(prod.location()).orElseThrow());

        EngineException never = assertThrows(EngineException.class,
                () -> promoter.rollback(RollbackRequest.to(prod.name(), images.v1, "bob", null)));
        assertEquals(EngineException.Kind.REFUSED, never.kind());
        assertTrue(never.getMessage(), never.getMessage().contains(images.v1.shortForm() + " was never live in "
                + prod.name() + "; a rollback returns only to a digest that was (recently: "
                + images.v3.shortForm() + ", " + images.v2.shortForm() + ")"));
        assertEquals(4, ledger(prod).entries().size());
    }

    @Test
    public void aRollbackToADigestThatFailsTodaysGatesIsRefusedUnlessForcedWithARecordedReason() throws Exception {
        Environment prod = site.environment("prod", Duration.ZERO, gates(false));
        Promoter promoter = promoter(prod);
        promoter.promote(PromotionRequest.of(images.ci(images.v1), prod.name(), "alice", "run-1"));
        promoter.promote(PromotionRequest.of(images.ci(images.v2), prod.name(), "alice", "run-2"));
        // Since v1 went live, the vulnerability database learnt of a HIGH vulnerability in its lodash.
        images.scanAndAttest(prod.repository().digest(images.v1), PromotionImages.FULL_DB);

        PromotionRefusedException refused = assertThrows(PromotionRefusedException.class,
                () -> promoter.rollback(RollbackRequest.toPrevious(prod.name(), "bob", "run-3")));
        assertTrue(refused.getMessage(), refused.getMessage().contains("scanned: the newest scan of "
                + images.v1.shortForm()));
        assertTrue(refused.getMessage(), refused.getMessage().contains("GHSA-35jh-r3h4-6jhm"));
        assertTrue(refused.getMessage(), refused.getMessage().contains("force it with a reason"));
        assertEquals(2, ledger(prod).entries().size());
        assertEquals(Set.of(images.v2), site.running(prod));

        PromotionResult forced = promoter.rollback(RollbackRequest.toPrevious(prod.name(), "bob", "run-4")
                .forced("v2 corrupts orders; lodash is not reachable from outside"));
        assertEquals(PromotionResult.Status.ROLLED_BACK, forced.status());
        LedgerEntry entry = ledger(prod).last().orElseThrow();
        assertTrue(entry.forced());
        assertEquals("v2 corrupts orders; lodash is not reachable from outside", entry.reason());
        assertTrue(entry.event().gates().toString(), entry.event().gates().stream()
                .anyMatch(g -> g.startsWith("scanned: REFUSED, the newest scan of " + images.v1.shortForm())));
        assertEquals(Set.of(images.v1), site.running(prod));
        assertEquals(images.v1, new Ledger(images.client).tagged(prod.location()).orElseThrow());
        assertTrue(site.log.toString(), site.log.stream().anyMatch(l -> l.startsWith("FORCED past 1 refusing gate(s)")));
    }

    @Test
    public void aPromotionWhoseProcessWasKilledMidWayIsResumedFromTheLedger() throws Exception {
        Environment first = site.environment("prod", Duration.ZERO, GatePolicy.ORDER_ONLY);
        int[] ports = site.ports();
        Environment prod = PromotionProcess.environment(first.name(), first.repository().toString(),
                site.haproxySocket().toString(), ports[0], ports[1], Duration.ofSeconds(8));
        Promoter promoter = promoter(prod);
        // v3 was live before: the killed promotion brings it back, and is still a promotion.
        promoter.promote(PromotionRequest.of(images.ci(images.v3), prod.name(), "alice", "run-0"));
        promoter.promote(PromotionRequest.of(images.ci(images.v2), prod.name(), "alice", "run-1"));

        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), PromotionProcess.class.getName(), prod.name(),
                prod.repository().toString(), site.haproxySocket().toString(), Integer.toString(ports[0]),
                Integer.toString(ports[1]), images.ci(images.v3).toString(), "8").redirectErrorStream(true).start();
        StringBuilder out = new StringBuilder();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                out.append(line).append('\n');
                if (line.startsWith("holding ")) {
                    child.destroyForcibly().waitFor();
                    break;
                }
            }
        } finally {
            child.destroyForcibly();
        }
        assertTrue(out.toString(), out.toString().contains("holding "));
        assertTrue(out.toString(), !out.toString().contains("promotion finished"));

        EngineException owned = assertThrows(EngineException.class,
                () -> promoter.promote(PromotionRequest.of(images.ci(images.v1), prod.name(), "bob", null)));
        assertTrue(owned.getMessage(), owned.getMessage().contains("an unfinished deployment owns " + prod.name()));
        assertEquals("the killed promotion recorded nothing yet", 2, ledger(prod).entries().size());

        PromotionResult resumed = promoter.resume(prod.name(), "carol", "run-9").orElseThrow();
        assertEquals(PromotionResult.Status.PROMOTED, resumed.status());
        LedgerEntry entry = ledger(prod).last().orElseThrow();
        assertEquals(images.v3, entry.digest());
        assertEquals(Outcome.DEPLOYED, entry.outcome());
        assertEquals("canary", entry.event().strategy());
        assertEquals("what happened is recorded: the killed process' promotion", Action.PROMOTE, entry.action());
        assertEquals("process", entry.actor());
        assertTrue(entry.run(), entry.run().startsWith("pid "));
        assertEquals(images.ci(images.v3).toString(), entry.event().source());
        assertTrue(entry.event().gates().toString(), entry.event().gates().stream()
                .anyMatch(g -> g.startsWith("previous-environment")));
        assertTrue(entry.reason(), entry.reason().startsWith("recorded on resume by carol: deployment "));
        assertEquals(images.v3, new Ledger(images.client).tagged(prod.location()).orElseThrow());
        assertTrue(site.running(prod).contains(images.v3));
        assertTrue(promoter.resume(prod.name(), "carol", null).isEmpty());
    }

    @Test
    public void aPromotionStoppedMidWayIsAbandonedBackToWhatWasLive() throws Exception {
        Environment first = site.environment("prod", Duration.ZERO, GatePolicy.ORDER_ONLY);
        int[] ports = site.ports();
        Environment prod = PromotionProcess.environment(first.name(), first.repository().toString(),
                site.haproxySocket().toString(), ports[0], ports[1], Duration.ofSeconds(30));
        Promoter promoter = promoter(prod);
        promoter.promote(PromotionRequest.of(images.ci(images.v2), prod.name(), "alice", "run-1"));
        assertTrue(promoter.abandon(prod.name(), "dave", "run-2", "nothing to stop").isEmpty());

        Thread release = new Thread(() -> {
            try {
                promoter.promote(PromotionRequest.of(images.ci(images.v3), prod.name(), "bob", "run-3"));
            } catch (EngineException e) {
                site.listener.line("stopped: " + e.getMessage());
            }
        }, "stopped promotion");
        release.start();
        long deadline = System.currentTimeMillis() + 120_000;
        while (new ArrayList<>(site.log).stream().noneMatch(l -> l.startsWith("holding "))
                && System.currentTimeMillis() < deadline) {
            Thread.sleep(100);
        }
        assertTrue(site.log.toString(), new ArrayList<>(site.log).stream().anyMatch(l -> l.startsWith("holding ")));
        release.interrupt();
        release.join(60_000);

        PromotionResult abandoned = promoter.abandon(prod.name(), "dave", "run-3", "the build was aborted")
                .orElseThrow();
        assertEquals(PromotionResult.Status.FAILED, abandoned.status());
        assertEquals(images.v2, abandoned.previous());
        LedgerHistory history = ledger(prod);
        LedgerEntry entry = history.last().orElseThrow();
        assertEquals(images.v3, entry.digest());
        assertEquals(Outcome.FAILED, entry.outcome());
        assertTrue(entry.reason(), entry.reason().contains("the build was aborted"));
        assertEquals(images.v2, history.live().orElseThrow());
        assertEquals(images.v2, new Ledger(images.client).tagged(prod.location()).orElseThrow());
        assertTrue(site.running(prod).contains(images.v2));
        assertTrue(!site.running(prod).contains(images.v3));
        assertTrue(promoter.abandon(prod.name(), "dave", "run-3", "again").isEmpty());
        promoter.promote(PromotionRequest.of(images.ci(images.v1), prod.name(), "erin", "run-4"));
    }
}
