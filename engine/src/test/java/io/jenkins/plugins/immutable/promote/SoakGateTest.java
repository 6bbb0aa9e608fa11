package io.jenkins.plugins.immutable.promote;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import io.jenkins.plugins.immutable.deploy.TestImages;
import io.jenkins.plugins.immutable.deploy.docker.DockerClients;
import io.jenkins.plugins.immutable.image.Digest;
import io.jenkins.plugins.immutable.image.ImageReference;
import io.jenkins.plugins.immutable.image.Repository;
import io.jenkins.plugins.immutable.ledger.Ledger;
import io.jenkins.plugins.immutable.ledger.LedgerEntry;
import io.jenkins.plugins.immutable.registry.RegistryClient;
import io.jenkins.plugins.immutable.testing.Stack;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.BeforeClass;
import org.junit.Rule;
import org.junit.Test;

/**
 * The soak gate on the stack: the upstream ledger's real entries, written at the times of a clock the test moves
 * forward (the ledger and the promoter share it), decide when a digest may go on.
 */
public class SoakGateTest {

    private static final RegistryClient CLIENT = RegistryClient.builder().build();
    private static Repository ci;
    private static Digest v1;
    private static Digest v2;
    private static Digest v3;

    @Rule
    public final Site site = new Site("staging", "prod");

    /** The system's time moved forward by what the test says: time passes, and the test skips ahead. */
    private static final class ShiftedClock extends Clock {
        private volatile Duration shift = Duration.ZERO;

        void skip(Duration d) {
            shift = shift.plus(d);
        }

        @Override
        public Instant instant() {
            return Instant.now().plus(shift);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }
    }

    @BeforeClass
    public static void buildImages() throws Exception {
        TestImages images = new TestImages(DockerClients.connect(Stack.dockerHost()), "soak-ci");
        ci = Repository.parse(images.repository());
        v1 = images.serving("v1");
        v2 = images.serving("v2");
        v3 = images.serving("v3");
    }

    private static LedgerEntry last(Environment env) {
        return new Ledger(CLIENT).read(env.location()).last().orElseThrow();
    }

    @Test
    public void aDigestGoesOnOnlyAfterSoakingUpstreamAndNeverAfterARollbackFromIt() {
        ShiftedClock clock = new ShiftedClock();
        Environment staging = site.environment("staging", Duration.ZERO, GatePolicy.ORDER_ONLY);
        Environment prod = site.environment("prod", Duration.ZERO,
                GatePolicy.ORDER_ONLY.withSoak(Duration.ofMinutes(30)));
        Promoter promoter = Promoter.builder(CLIENT, new Ledger(CLIENT, clock, Duration.ofMillis(200), 5),
                staging, prod).listener(site.listener).clock(clock).build();

        promoter.promote(PromotionRequest.of(ci.digest(v1), staging.name(), "alice", null));
        Instant v1Live = last(staging).time();
        ImageReference fromStaging = staging.repository().digest(v1);
        clock.skip(Duration.ofMinutes(10));
        PromotionRefusedException early = assertThrows(PromotionRefusedException.class,
                () -> promoter.promote(PromotionRequest.of(fromStaging, prod.name(), "alice", null)));
        GateResult refusal = early.refusals().get(0);
        assertEquals(SoakGate.NAME, refusal.gate());
        assertTrue(refusal.message(), refusal.message().matches(v1.shortForm() + " has been live in "
                + staging.name() + " for 10m \\d+s \\(since " + v1Live + ", entry #1\\): " + prod.name()
                + " takes digests that were live in " + staging.name() + " for 30m 0s, so (20m 0s|19m \\d+s) is left;"
                + " promote it after " + v1Live.plus(Duration.ofMinutes(30))));

        // v2 replaces v1 in staging after 12 minutes: v1's stretch there ends short of the soak, for good.
        clock.skip(Duration.ofMinutes(2));
        promoter.promote(PromotionRequest.of(ci.digest(v2), staging.name(), "alice", null));
        Instant v2Live = last(staging).time();
        clock.skip(Duration.ofMinutes(45));
        GateResult replaced = assertThrows(PromotionRefusedException.class,
                () -> promoter.promote(PromotionRequest.of(fromStaging, prod.name(), "alice", null))).refusals().get(0);
        assertTrue(replaced.message(), replaced.message().startsWith(v1.shortForm() + " was live in "
                + staging.name() + " only 12m "));
        assertTrue(replaced.message(), replaced.message().contains("until entry #2 replaced it with "
                + v2.shortForm() + " at " + v2Live + "): "));
        assertTrue(replaced.message(), replaced.message().endsWith("promote it to " + staging.name()
                + " again to let it soak"));

        PromotionResult soaked = promoter.promote(PromotionRequest.of(staging.repository().digest(v2), prod.name(),
                "alice", null));
        assertEquals(PromotionResult.Status.PROMOTED, soaked.status());
        String line = last(prod).event().gates().stream().filter(g -> g.startsWith("soak: ")).findFirst()
                .orElseThrow();
        assertTrue(line, line.matches("soak: passed, live in " + staging.name() + " for 45m \\d+s \\(since " + v2Live
                + ", entry #2\\), at least 30m 0s"));

        // v3 soaks an hour in staging, then staging is rolled back from it: it does not go on, however long ago.
        promoter.promote(PromotionRequest.of(ci.digest(v3), staging.name(), "alice", null));
        clock.skip(Duration.ofHours(1));
        promoter.rollback(RollbackRequest.toPrevious(staging.name(), "bob", null).forced("checkout errors"));
        clock.skip(Duration.ofHours(3));
        GateResult rolledBack = assertThrows(PromotionRefusedException.class, () -> promoter.promote(
                PromotionRequest.of(staging.repository().digest(v3), prod.name(), "alice", null))).refusals().stream()
                .filter(r -> r.gate().equals(SoakGate.NAME)).findFirst().orElseThrow();
        assertTrue(rolledBack.message(), rolledBack.message().startsWith(staging.name() + " was rolled back from "
                + v3.shortForm() + " (entry #4 at "));
        assertTrue(rolledBack.message(), rolledBack.message().contains(" by bob: checkout errors) after 1h 0m "));
    }

    @Test
    public void theFirstEnvironmentHasNothingToSoakIn() {
        Environment staging = site.environment("staging", Duration.ZERO,
                GatePolicy.ORDER_ONLY.withSoak(Duration.ofMinutes(30)));
        PromotionResult r = Promoter.builder(CLIENT, new Ledger(CLIENT), staging)
                .listener(site.listener).build().promote(PromotionRequest.of(ci.digest(v1), staging.name(), "alice",
                        null));
        assertEquals(PromotionResult.Status.PROMOTED, r.status());
        assertTrue(last(staging).event().gates().contains("soak: passed, " + staging.name() + " is the first"
                + " environment: there is nowhere upstream to soak"));
    }

    @Test
    public void durationsReadAsPeopleSayThem() {
        assertEquals("45s", SoakGate.human(Duration.ofMillis(45_900)));
        assertEquals("29m 59s", SoakGate.human(Duration.ofSeconds(29 * 60 + 59)));
        assertEquals("2h 0m 5s", SoakGate.human(Duration.ofSeconds(7205)));
    }
}
