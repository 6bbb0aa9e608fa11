package io.jenkins.plugins.immutable.promote;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import io.jenkins.plugins.immutable.deploy.BlueGreen;
import io.jenkins.plugins.immutable.deploy.TrafficRouter;
import io.jenkins.plugins.immutable.deploy.docker.DockerClients;
import io.jenkins.plugins.immutable.deploy.docker.DockerHostTarget;
import io.jenkins.plugins.immutable.image.Digest;
import io.jenkins.plugins.immutable.image.Repository;
import io.jenkins.plugins.immutable.ledger.Action;
import io.jenkins.plugins.immutable.ledger.Event;
import io.jenkins.plugins.immutable.ledger.LedgerFormat;
import io.jenkins.plugins.immutable.ledger.LedgerHistory;
import io.jenkins.plugins.immutable.ledger.Outcome;
import io.jenkins.plugins.immutable.testing.Stack;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.Test;

/**
 * The soak gate with two upstream environments, on ledgers built in memory (the gate only reads them): with
 * {@code any}, soaking in one is enough; with {@code all}, each must have soaked, and the refusal says how long each
 * has left.
 */
public class UpstreamSoakTest {

    private static final Digest D = Digest.sha256("one".getBytes(StandardCharsets.UTF_8));
    private static final Instant T = Instant.parse("2026-11-02T10:00:00Z");

    private final DockerHostTarget target = new DockerHostTarget(DockerClients.connect(Stack.dockerHost()),
            "127.0.0.1", 24000, 24010, Site.HEALTH);
    private final Environment staging = env("staging");
    private final Environment perf = env("perf");
    private final Environment prod = env("prod");

    private Environment env(String name) {
        return new Environment(name, new Repository(Stack.registry(), "app/" + name), 1, target, TrafficRouter.NONE,
                new BlueGreen(Duration.ZERO), GatePolicy.ORDER_ONLY);
    }

    /** Live since {@code at}. */
    private static LedgerHistory liveSince(String env, Instant at) {
        return LedgerFormat.append(LedgerHistory.empty(env), Event.promotion(D, Outcome.DEPLOYED, "bob"), at);
    }

    private GateResult soak(Upstream.Requires requires, LedgerHistory stagingHistory, LedgerHistory perfHistory) {
        GateContext c = new GateContext(Action.PROMOTE, staging.repository().digest(D), prod, List.of(
                new GateContext.UpstreamLedger(staging, stagingHistory),
                new GateContext.UpstreamLedger(perf, perfHistory)), requires, LedgerHistory.empty("prod"), "alice",
                null);
        return new SoakGate(Duration.ofMinutes(30), Clock.fixed(T.plus(Duration.ofMinutes(40)), ZoneOffset.UTC))
                .check(c);
    }

    @Test
    public void anyPassesWhenOneUpstreamSoakedAllRefusesNamingWhatEachHasLeft() {
        LedgerHistory soaked = liveSince("staging", T);                                   // 40 minutes
        LedgerHistory fresh = liveSince("perf", T.plus(Duration.ofMinutes(30)));         // 10 minutes

        GateResult any = soak(Upstream.Requires.ANY, soaked, fresh);
        assertTrue(any.message(), any.passed());
        assertEquals("through 1 of 2 upstream environments (prod requires any of staging, perf): staging: live in"
                + " staging for 40m 0s (since 2026-11-02T10:00:00Z, entry #1), at least 30m 0s", any.message());

        GateResult all = soak(Upstream.Requires.ALL, soaked, fresh);
        assertFalse(all.passed());
        assertEquals("prod takes digests that came through every one of staging, perf (requires: all), and 1 of them"
                + " will not do: staging: passed, live in staging for 40m 0s (since 2026-11-02T10:00:00Z, entry #1),"
                + " at least 30m 0s; perf: " + D.shortForm() + " has been live in perf for 10m 0s (since"
                + " 2026-11-02T10:30:00Z, entry #1): prod takes digests that were live in perf for 30m 0s, so 20m 0s"
                + " is left; promote it after 2026-11-02T11:00:00Z", all.message());

        GateResult neither = soak(Upstream.Requires.ANY, fresh, LedgerHistory.empty("perf"));
        assertFalse(neither.passed());
        assertTrue(neither.message(), neither.message().startsWith("prod takes digests that came through any one of"
                + " staging, perf (requires: any), and none of them will do: staging: "));
        assertTrue(neither.message(), neither.message().contains("; perf: " + D.shortForm() + " was never live in"
                + " perf"));
    }
}
