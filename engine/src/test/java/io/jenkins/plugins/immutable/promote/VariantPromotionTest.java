package io.jenkins.plugins.immutable.promote;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.image.Digest;
import io.jenkins.plugins.immutable.ledger.Ledger;
import io.jenkins.plugins.immutable.ledger.LedgerHistory;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.BeforeClass;
import org.junit.Rule;
import org.junit.Test;

/**
 * Promotions through a graph on the stack: real registry and ledgers, a real Docker host behind HAProxy. Variants of
 * production take from the same upstream and serve different digests at once; an environment with two upstreams takes
 * a digest from any one of them, or only once each holds it.
 */
public class VariantPromotionTest {

    private static PromotionImages images;

    @Rule
    public final Site site = new Site("staging", "hotfix", "prod", "acme", "strict");

    @BeforeClass
    public static void buildImages() throws Exception {
        images = new PromotionImages();
    }

    private Environment env(String prefix) {
        return site.environment(prefix, Duration.ZERO, GatePolicy.ORDER_ONLY);
    }

    private Promoter promoter(Map<String, Upstream> upstreams, Environment... environments) {
        PromotionGraph graph = new PromotionGraph(List.of(environments).stream().map(Environment::name).toList(),
                upstreams);
        return Promoter.builder(images.client, new Ledger(images.client), graph, List.of(environments))
                .listener(site.listener).build();
    }

    private PromotionResult promote(Promoter p, Environment from, Digest digest, Environment to) {
        return p.promote(PromotionRequest.of(from == null ? images.ci(digest) : from.repository().digest(digest),
                to.name(), "alice", "run"));
    }

    private static LedgerHistory ledger(Environment env) {
        return new Ledger(images.client).read(env.location());
    }

    @Test
    public void prodAndAVariantBothTakeFromStagingAndServeDifferentDigests() {
        Environment staging = env("staging");
        Environment prod = env("prod");
        Environment acme = env("acme");
        Promoter p = promoter(Map.of(prod.name(), Upstream.all(staging.name()), acme.name(),
                Upstream.all(staging.name())), staging, prod, acme);
        assertEquals(List.of(prod.name(), acme.name()), p.graph().downstreams(staging.name()));
        assertEquals(List.of(prod.name(), acme.name()), p.graph().leaves());

        promote(p, null, images.v2, staging);
        // without naming the digest: the only upstream's live one
        PromotionResult toAcme = p.promote(PromotionRequest.of(p.liveUpstream(acme.name(), null), acme.name(),
                "alice", "run"));
        assertEquals(PromotionResult.Status.PROMOTED, toAcme.status());
        assertTrue(toAcme.entry().event().gates().toString(), toAcme.entry().event().gates().get(1)
                .startsWith("previous-environment: passed, deployed in " + staging.name() + " (entry #1"));
        promote(p, staging, images.v2, prod);
        promote(p, null, images.v3, staging);
        promote(p, staging, images.v3, prod);

        assertEquals(images.v3, ledger(prod).live().orElseThrow());
        assertEquals(images.v2, ledger(acme).live().orElseThrow());
        assertEquals(Set.of(images.v3), site.running(prod));
        assertEquals(Set.of(images.v2), site.running(acme));
        assertEquals(staging.repository().digest(images.v3), p.liveUpstream(acme.name(), null));

        // the variant does not take what its sibling runs: only what came through its own upstream
        PromotionRefusedException e = assertThrows(PromotionRefusedException.class, () -> p.promote(
                PromotionRequest.of(images.ci(images.v1), acme.name(), "alice", "run")));
        assertTrue(e.getMessage(), e.getMessage().contains(images.v1.shortForm() + " was never deployed to "
                + staging.name()));

        // a rollback upstream says which environments downstream still serve what it left
        PromotionResult back = p.rollback(RollbackRequest.toPrevious(staging.name(), "bob", "run"));
        assertEquals(PromotionResult.Status.ROLLED_BACK, back.status());
        assertTrue(back.message(), back.message().endsWith("; downstream, " + prod.name() + " still serves "
                + images.v3.shortForm() + ": roll it back too if " + images.v3.shortForm() + " is at fault there"));
    }

    @Test
    public void withTwoUpstreamsAnyTakesADigestFromOneAndAllWaitsForEach() {
        Environment staging = env("staging");
        Environment hotfix = env("hotfix");
        Environment prod = env("prod");
        Environment strict = env("strict");
        Promoter p = promoter(Map.of(prod.name(), Upstream.any(staging.name(), hotfix.name()), strict.name(),
                Upstream.all(staging.name(), hotfix.name())), staging, hotfix, prod, strict);
        assertEquals(List.of(staging.name(), hotfix.name()), p.graph().roots());

        promote(p, null, images.v2, hotfix);
        PromotionResult viaHotfix = promote(p, hotfix, images.v2, prod);
        assertEquals(PromotionResult.Status.PROMOTED, viaHotfix.status());
        String gate = viaHotfix.entry().event().gates().get(1);
        assertTrue(gate, gate.startsWith("previous-environment: passed, through 1 of 2 upstream environments ("
                + prod.name() + " requires any of " + staging.name() + ", " + hotfix.name() + "): " + hotfix.name()
                + ": deployed in " + hotfix.name()));

        PromotionRefusedException e = assertThrows(PromotionRefusedException.class,
                () -> promote(p, hotfix, images.v2, strict));
        GateResult r = e.refusals().get(0);
        assertEquals(PreviousEnvironmentGate.NAME, r.gate());
        assertTrue(r.message(), r.message().startsWith(strict.name() + " takes digests that came through every one"
                + " of " + staging.name() + ", " + hotfix.name() + " (requires: all), and 1 of them will not do: "
                + staging.name() + ": " + images.v2.shortForm() + " was never deployed to " + staging.name()));
        assertTrue(r.message(), r.message().contains("; " + hotfix.name() + ": passed, deployed in "
                + hotfix.name()));
        assertTrue("nothing recorded", ledger(strict).isEmpty());

        // neither holds v3: any refuses too, naming each
        e = assertThrows(PromotionRefusedException.class, () -> promote(p, null, images.v3, prod));
        assertTrue(e.getMessage(), e.getMessage().contains(prod.name() + " takes digests that came through any one"
                + " of " + staging.name() + ", " + hotfix.name() + " (requires: any), and none of them will do: "
                + staging.name() + ": " + images.v3.shortForm() + " was never deployed to " + staging.name()));

        promote(p, null, images.v2, staging);
        PromotionResult both = promote(p, staging, images.v2, strict);
        assertEquals(PromotionResult.Status.PROMOTED, both.status());
        assertTrue(both.entry().event().gates().get(1), both.entry().event().gates().get(1).startsWith(
                "previous-environment: passed, through every upstream environment"));

        // which upstream's digest? with several, the promoter asks to be told
        EngineException which = assertThrows(EngineException.class, () -> p.liveUpstream(prod.name(), null));
        assertEquals(EngineException.Kind.BAD_INPUT, which.kind());
        assertTrue(which.getMessage(), which.getMessage().contains("name the image to promote, or the environment"
                + " to take its live digest from (--from " + staging.name() + ")"));
        assertEquals(hotfix.repository().digest(images.v2), p.liveUpstream(prod.name(), hotfix.name()));
        EngineException notUpstream = assertThrows(EngineException.class,
                () -> p.liveUpstream(prod.name(), strict.name()));
        assertTrue(notUpstream.getMessage(), notUpstream.getMessage().startsWith(strict.name() + " is not upstream of "
                + prod.name()));
        EngineException root = assertThrows(EngineException.class, () -> p.liveUpstream(staging.name(), null));
        assertTrue(root.getMessage(), root.getMessage().contains("takes digests straight from builds"));
    }
}
