package io.jenkins.plugins.immutable.promote;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.deploy.TestImages;
import io.jenkins.plugins.immutable.deploy.docker.DockerClients;
import io.jenkins.plugins.immutable.freeze.FreezeChange;
import io.jenkins.plugins.immutable.freeze.FreezeState;
import io.jenkins.plugins.immutable.freeze.Freezes;
import io.jenkins.plugins.immutable.freeze.PromotionWindows;
import io.jenkins.plugins.immutable.image.Digest;
import io.jenkins.plugins.immutable.image.Repository;
import io.jenkins.plugins.immutable.ledger.Action;
import io.jenkins.plugins.immutable.ledger.Ledger;
import io.jenkins.plugins.immutable.ledger.LedgerEntry;
import io.jenkins.plugins.immutable.ledger.LedgerHistory;
import io.jenkins.plugins.immutable.registry.RegistryClient;
import io.jenkins.plugins.immutable.testing.Stack;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.BeforeClass;
import org.junit.Rule;
import org.junit.Test;

/**
 * Freezes and promotion windows on the stack: the freeze is written to the environment's ledger in the real registry,
 * promotions are refused naming it, rollbacks go through, an override is recorded, and windows are read at the
 * promoter's clock.
 */
public class FreezeGateTest {

    private static final RegistryClient CLIENT = RegistryClient.builder().build();
    private static Repository ci;
    private static Digest v1;
    private static Digest v2;
    private static Digest v3;

    @Rule
    public final Site site = new Site("prod");

    @BeforeClass
    public static void buildImages() throws Exception {
        TestImages images = new TestImages(DockerClients.connect(Stack.dockerHost()), "freeze-ci");
        ci = Repository.parse(images.repository());
        v1 = images.serving("v1");
        v2 = images.serving("v2");
        v3 = images.serving("v3");
    }

    private Promoter promoter(Clock clock, Environment env) {
        return Promoter.builder(CLIENT, new Ledger(CLIENT), env).listener(site.listener)
                .clock(clock).build();
    }

    private Freezes freezes(Environment env) {
        return new Freezes(new Ledger(CLIENT), name -> {
            assertEquals(env.name(), name);
            return env.location();
        }, site.listener);
    }

    private static LedgerHistory ledger(Environment env) {
        return new Ledger(CLIENT).read(env.location());
    }

    private static PromotionRequest promote(Digest digest, Environment env) {
        return PromotionRequest.of(ci.digest(digest), env.name(), "alice", "run-" + digest.shortForm());
    }

    @Test
    public void aFrozenEnvironmentRefusesPromotionsNamingTheFreezeTakesRollbacksAndAnOverrideIsRecorded() {
        Environment prod = site.environment("prod", Duration.ZERO, GatePolicy.ORDER_ONLY);
        Promoter promoter = promoter(Clock.systemUTC(), prod);
        Freezes freezes = freezes(prod);
        promoter.promote(promote(v1, prod));
        promoter.promote(promote(v2, prod));

        FreezeChange frozen = freezes.freeze(prod.name(), "bob", "https://ci.example/job/ops/7/", "incident 4711");
        assertTrue(frozen.recorded());
        FreezeState state = frozen.state();
        assertTrue(state.frozen());
        assertEquals("bob", state.by());
        assertEquals("incident 4711", state.reason());
        assertEquals(3, state.entry());
        LedgerEntry entry = ledger(prod).last().orElseThrow();
        assertEquals(Action.FREEZE, entry.action());
        assertEquals(entry.time(), state.since());
        assertEquals("https://ci.example/job/ops/7/", entry.run());
        assertEquals(state, freezes.state(prod.name()));

        FreezeChange again = freezes.freeze(prod.name(), "carol", null, "another reason");
        assertFalse("freezing a frozen environment records nothing", again.recorded());
        assertEquals(state, again.state());
        assertTrue(again.message(), again.message().contains("already; nothing recorded"));
        assertEquals(3, ledger(prod).entries().size());

        PromotionRefusedException refused = assertThrows(PromotionRefusedException.class,
                () -> promoter.promote(promote(v3, prod)));
        assertEquals(EngineException.Kind.REFUSED, refused.kind());
        String expected = prod.name() + " is frozen since " + state.since() + " by bob (ledger entry #3): incident 4711";
        assertTrue(refused.getMessage(), refused.getMessage().contains(expected));
        assertTrue(refused.getMessage(), refused.getMessage().contains("immutable unfreeze " + prod.name()));
        assertTrue(refused.getMessage(), refused.getMessage().contains("--override-freeze"));
        assertEquals(List.of(FreezeGate.NAME), refused.refusals().stream().map(GateResult::gate).toList());
        assertEquals("nothing recorded", 3, ledger(prod).entries().size());

        PromotionResult back = promoter.rollback(RollbackRequest.toPrevious(prod.name(), "bob", "run-back"));
        assertEquals("rollbacks stay allowed during a freeze", PromotionResult.Status.ROLLED_BACK, back.status());
        assertEquals(v1, ledger(prod).live().orElseThrow());
        assertTrue("a rollback does not lift the freeze", ledger(prod).activeFreeze().isPresent());

        PromotionResult forced = promoter.promote(promote(v3, prod).overridingFreeze("hotfix for incident 4711"));
        assertEquals(PromotionResult.Status.PROMOTED, forced.status());
        LedgerEntry recorded = ledger(prod).last().orElseThrow();
        assertEquals(v3, recorded.digest());
        assertTrue(recorded.forced());
        assertEquals("hotfix for incident 4711", recorded.reason());
        assertTrue(recorded.event().gates().toString(), recorded.event().gates().get(0).startsWith(
                "freeze: passed, OVERRIDDEN by alice: hotfix for incident 4711 (" + expected + ")"));
        assertTrue("an override does not lift the freeze", freezes.state(prod.name()).frozen());

        FreezeChange thawed = freezes.unfreeze(prod.name(), "carol", null, "incident 4711 resolved");
        assertTrue(thawed.recorded());
        assertFalse(thawed.state().frozen());
        assertFalse(freezes.unfreeze(prod.name(), "carol", null, "twice").recorded());
        PromotionResult after = promoter.promote(promote(v2, prod));
        assertEquals(PromotionResult.Status.PROMOTED, after.status());
        LedgerEntry last = ledger(prod).last().orElseThrow();
        assertFalse(last.forced());
        assertEquals("freeze: passed, " + prod.name() + " is not frozen", last.event().gates().get(0));
        assertEquals(List.of(Action.PROMOTE, Action.PROMOTE, Action.FREEZE, Action.ROLLBACK, Action.PROMOTE,
                Action.UNFREEZE, Action.PROMOTE), ledger(prod).entries().stream().map(LedgerEntry::action).toList());
        assertTrue(new Ledger(CLIENT).verify(prod.location()).intact());
    }

    @Test
    public void outsideItsWindowsAPromotionIsRefusedSayingWhenTheyOpenAndAnOverrideGoesThrough() {
        // The window opens two hours after the promoter's clock, so the refusal's time is known to the minute.
        Instant now = Instant.now().truncatedTo(ChronoUnit.MINUTES);
        Instant opens = now.plus(Duration.ofHours(2));
        String window = String.format("%02d:%02d-%02d:%02d", opens.atZone(ZoneOffset.UTC).getHour(),
                opens.atZone(ZoneOffset.UTC).getMinute(), opens.plus(Duration.ofHours(1)).atZone(ZoneOffset.UTC)
                        .getHour(), opens.atZone(ZoneOffset.UTC).getMinute());
        PromotionWindows windows = PromotionWindows.parse("UTC", List.of(window), List.of());
        Environment prod = site.environment("prod", Duration.ZERO, GatePolicy.ORDER_ONLY.withWindows(windows));
        Clock clock = Clock.fixed(now.plusSeconds(5), ZoneOffset.UTC);

        PromotionRefusedException refused = assertThrows(PromotionRefusedException.class,
                () -> promoter(clock, prod).promote(promote(v1, prod)));
        assertTrue(refused.getMessage(), refused.getMessage().contains(prod.name() + " takes promotions only in its"
                + " windows, and now is outside every promotion window (" + window + ", UTC); it next opens at "
                + opens));
        assertTrue(refused.getMessage(), refused.getMessage().contains("when the window opens"));
        assertTrue(ledger(prod).isEmpty());

        PromotionResult inside = promoter(Clock.fixed(opens.plusSeconds(60), ZoneOffset.UTC), prod)
                .promote(promote(v1, prod));
        assertEquals(PromotionResult.Status.PROMOTED, inside.status());
        assertEquals("freeze: passed, " + prod.name() + " is not frozen; inside the promotion window " + window
                + " (UTC)", ledger(prod).last().orElseThrow().event().gates().get(0));

        PromotionResult forced = promoter(clock, prod).promote(promote(v2, prod).overridingFreeze("security fix"));
        assertEquals(PromotionResult.Status.PROMOTED, forced.status());
        assertTrue(ledger(prod).last().orElseThrow().forced());
        assertEquals("security fix", ledger(prod).last().orElseThrow().reason());

        PromotionResult back = promoter(clock, prod).rollback(RollbackRequest.toPrevious(prod.name(), "bob", null));
        assertEquals("a closed window does not stop a rollback", PromotionResult.Status.ROLLED_BACK, back.status());
        assertNull(back.gates().stream().filter(g -> g.gate().equals(FreezeGate.NAME)).findFirst().orElse(null));
    }

    @Test
    public void aFreezeNeedsAReasonAndAnOverrideToo() {
        Environment prod = site.environment("prod", Duration.ZERO, GatePolicy.ORDER_ONLY);
        EngineException e = assertThrows(EngineException.class,
                () -> freezes(prod).freeze(prod.name(), "bob", null, " "));
        assertEquals(EngineException.Kind.BAD_INPUT, e.kind());
        assertTrue(e.getMessage(), e.getMessage().contains("give a reason"));
        assertThrows(EngineException.class, () -> promote(v1, prod).overridingFreeze(""));
        assertTrue(ledger(prod).isEmpty());
    }
}
