package io.jenkins.plugins.immutable.promote;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.attest.ProvenancePolicy;
import io.jenkins.plugins.immutable.image.Digest;
import io.jenkins.plugins.immutable.image.ImageReference;
import io.jenkins.plugins.immutable.ledger.Ledger;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.BeforeClass;
import org.junit.Rule;
import org.junit.Test;

/**
 * Every gate's refusal, against the stack's registry: each names what is missing and what to do, and a refused
 * promotion leaves nothing behind (no copy, no deployment, no ledger entry).
 */
public class GateRefusalTest {

    private static PromotionImages images;

    @Rule
    public final Site site = new Site("gated", "first", "second");

    private final List<ApprovalRequest> asked = new ArrayList<>();

    @BeforeClass
    public static void buildImages() throws Exception {
        images = new PromotionImages();
    }

    private GatePolicy allGates() {
        return new GatePolicy(List.of(images.key.publicKey()), Duration.ofHours(1), true, true,
                PromotionImages.PROVENANCE, List.of(images.key.publicKey()));
    }

    private Promoter promoter(Clock clock, ApprovalHook hook, Environment... environments) {
        return Promoter.builder(images.client, new Ledger(images.client), environments)
                .listener(site.listener).clock(clock).approval(request -> {
                    asked.add(request);
                    return hook.decide(request);
                }).build();
    }

    private PromotionRefusedException refused(Promoter promoter, ImageReference image, Environment env) {
        PromotionRefusedException e = assertThrows(PromotionRefusedException.class,
                () -> promoter.promote(PromotionRequest.of(image, env.name(), "alice", "run-1")));
        assertEquals(EngineException.Kind.REFUSED, e.kind());
        assertTrue(e.getMessage(), e.getMessage().contains("Nothing was copied, deployed or recorded."));
        assertTrue("nothing recorded", new Ledger(images.client).read(env.location()).isEmpty());
        assertFalse("nothing copied", images.client.headManifest(env.repository().digest(image.digest())).isPresent());
        assertEquals("nothing deployed", 0, site.running(env).size());
        return e;
    }

    private static void assertRefusal(PromotionRefusedException e, String gate, String... phrases) {
        GateResult r = e.refusals().stream().filter(g -> g.gate().equals(gate)).findFirst()
                .orElseThrow(() -> new AssertionError("no refusal by " + gate + " in " + e.getMessage()));
        for (String phrase : phrases) {
            assertTrue(r.message(), r.message().contains(phrase));
            assertTrue(e.getMessage(), e.getMessage().contains(phrase));
        }
    }

    @Test
    public void anUnsignedUnattestedDigestIsRefusedByEveryGateNamingWhatIsMissing() {
        Environment env = site.environment("gated", Duration.ZERO, allGates());
        PromotionRefusedException e = refused(promoter(Clock.systemUTC(), ApprovalHook.UNAVAILABLE, env),
                images.ci(images.unsigned), env);
        assertRefusal(e, SignatureGate.NAME, "has no signature at all", "Sign it");
        assertRefusal(e, ScanGate.NAME, "no verified scan attestation for " + images.unsigned.shortForm(),
                "Scan it and attest the result");
        assertRefusal(e, ProvenanceGate.NAME, "attestation");
        assertEquals("no one is asked to approve what the gates refuse", List.of(), asked);
    }

    @Test
    public void aDigestWithoutAScanIsRefused() {
        Environment env = site.environment("gated", Duration.ZERO, allGates());
        PromotionRefusedException e = refused(promoter(Clock.systemUTC(), ApprovalHook.UNAVAILABLE, env),
                images.ci(images.unscanned), env);
        assertEquals(List.of(ScanGate.NAME), e.refusals().stream().map(GateResult::gate).toList());
        assertRefusal(e, ScanGate.NAME, "has no https://cosign.sigstore.dev/attestation/vuln/v1 attestation at all");
    }

    @Test
    public void aScanOlderThanTheEnvironmentAcceptsIsRefused() {
        Environment env = site.environment("gated", Duration.ZERO, allGates());
        Clock later = Clock.fixed(Instant.now().plus(Duration.ofHours(3)), ZoneOffset.UTC);
        PromotionRefusedException e = refused(promoter(later, ApprovalHook.UNAVAILABLE, env), images.ci(images.v2),
                env);
        assertRefusal(e, ScanGate.NAME, "older than the 60 minutes " + env.name() + " accepts", "scan it again");
    }

    @Test
    public void aScanThatFoundAVulnerabilityAbovePolicyIsRefused() throws Exception {
        images.scanAndAttest(images.ci(images.v1), PromotionImages.FULL_DB);
        Environment env = site.environment("gated", Duration.ZERO, allGates());
        PromotionRefusedException e = refused(promoter(Clock.systemUTC(), ApprovalHook.UNAVAILABLE, env),
                images.ci(images.v1), env);
        assertRefusal(e, ScanGate.NAME, "failed its policy", "GHSA-35jh-r3h4-6jhm", "promote a new digest");
    }

    @Test
    public void aDigestThatSkippedThePreviousEnvironmentIsRefused() {
        Environment first = site.environment("first", Duration.ZERO, GatePolicy.ORDER_ONLY);
        Environment second = site.environment("second", Duration.ZERO, GatePolicy.ORDER_ONLY);
        PromotionRefusedException e = refused(promoter(Clock.systemUTC(), ApprovalHook.UNAVAILABLE, first, second),
                images.ci(images.v2), second);
        assertRefusal(e, PreviousEnvironmentGate.NAME, images.v2.shortForm() + " was never deployed to "
                + first.name(), "promote it to " + first.name() + " first");
    }

    @Test
    public void aRejectedApprovalIsRefusedNamingWhoRejectedIt() {
        Environment env = site.environment("gated", Duration.ZERO, allGates());
        PromotionRefusedException e = refused(promoter(Clock.systemUTC(),
                request -> Approval.rejected("carol", "not during the freeze"), env), images.ci(images.v2), env);
        assertRefusal(e, ApprovalGate.NAME, "rejected by carol: not during the freeze");
        assertEquals(1, asked.size());
        assertEquals("Promote " + images.ci + "@" + images.v2.shortForm() + " to " + env.name() + "?",
                asked.get(0).question());
        assertEquals("the approver sees what the other gates found", List.of(FreezeGate.NAME,
                PreviousEnvironmentGate.NAME, SignatureGate.NAME, ScanGate.NAME, ProvenanceGate.NAME),
                asked.get(0).gates().stream().map(GateResult::gate).toList());
    }

    @Test
    public void anApprovalNoOneCanGiveIsRefusedSayingHowToGiveIt() {
        Environment env = site.environment("gated", Duration.ZERO, allGates());
        PromotionRefusedException e = refused(promoter(Clock.systemUTC(), ApprovalHook.UNAVAILABLE, env),
                images.ci(images.v2), env);
        assertRefusal(e, ApprovalGate.NAME, "requires a manual approval", "pass --approve");
    }

    @Test
    public void aProvenanceFromAnotherBuilderIsRefused() {
        GatePolicy gates = new GatePolicy(List.of(), null, true, false,
                ProvenancePolicy.builderAndSource("https://release.example/*", "https://git.example/app.git"),
                List.of(images.key.publicKey()));
        Environment env = site.environment("gated", Duration.ZERO, gates);
        PromotionRefusedException e = refused(promoter(Clock.systemUTC(), ApprovalHook.UNAVAILABLE, env),
                images.ci(images.v2), env);
        assertRefusal(e, ProvenanceGate.NAME, "none meets the policy");
    }

    @Test
    public void aTagIsRefusedUnlessResolvedOnceUpFrontAndTheLogSaysToWhichDigest() {
        Environment env = site.environment("gated", Duration.ZERO, allGates());
        Promoter promoter = promoter(Clock.systemUTC(), request -> Approval.rejected("carol", "no"), env);
        ImageReference tag = images.ci.tag("v2");
        EngineException bad = assertThrows(EngineException.class,
                () -> promoter.promote(PromotionRequest.of(tag, env.name(), "alice", null)));
        assertEquals(EngineException.Kind.BAD_INPUT, bad.kind());
        assertTrue(bad.getMessage(), bad.getMessage().contains("names a tag, which can move"));

        assertThrows(PromotionRefusedException.class,
                () -> promoter.promote(PromotionRequest.of(tag, env.name(), "alice", null).resolvingTag()));
        Digest v2 = images.v2;
        assertTrue(site.log.toString(), site.log.contains("resolved " + tag + " to " + v2
                + " once; promoting that digest (the tag is not read again)"));
        assertEquals(v2, asked.get(0).image().digest());
    }

    @Test
    public void anUnknownEnvironmentIsBadInputListingTheKnownOnes() {
        Environment env = site.environment("gated", Duration.ZERO, allGates());
        EngineException e = assertThrows(EngineException.class, () -> promoter(Clock.systemUTC(),
                ApprovalHook.UNAVAILABLE, env).promote(PromotionRequest.of(images.ci(images.v2), "nope", "a", null)));
        assertEquals(EngineException.Kind.BAD_INPUT, e.kind());
        assertTrue(e.getMessage(), e.getMessage().contains("there is no environment 'nope'; the environments are "
                + env.name()));
    }
}
