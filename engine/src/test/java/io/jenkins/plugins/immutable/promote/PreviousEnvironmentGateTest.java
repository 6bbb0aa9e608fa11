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
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.Test;

/** What "came through the previous environment" means, on ledgers built in memory (the gate only reads them). */
public class PreviousEnvironmentGateTest {

    private static final Digest D1 = Digest.sha256("one".getBytes(StandardCharsets.UTF_8));
    private static final Digest D2 = Digest.sha256("two".getBytes(StandardCharsets.UTF_8));
    private static final Instant T = Instant.parse("2026-11-02T10:15:30Z");

    private final DockerHostTarget target = new DockerHostTarget(DockerClients.connect(Stack.dockerHost()),
            "127.0.0.1", 24000, 24010, Site.HEALTH);
    private final Environment staging = env("staging");
    private final Environment prod = env("prod");

    private Environment env(String name) {
        return new Environment(name, new Repository(Stack.registry(), "app/" + name), 1, target, TrafficRouter.NONE,
                new BlueGreen(Duration.ZERO), GatePolicy.ORDER_ONLY);
    }

    private GateResult check(LedgerHistory stagingHistory, Digest digest) {
        return new PreviousEnvironmentGate().check(new GateContext(Action.PROMOTE, staging.repository().digest(digest),
                prod, List.of(new GateContext.UpstreamLedger(staging, stagingHistory)), Upstream.Requires.ALL,
                LedgerHistory.empty("prod"), "alice", null));
    }

    private static LedgerHistory with(LedgerHistory h, Event e) {
        return LedgerFormat.append(h, e, T);
    }

    @Test
    public void passesADigestDeployedInThePreviousEnvironment() {
        LedgerHistory h = with(LedgerHistory.empty("staging"), Event.promotion(D1, Outcome.DEPLOYED, "bob"));
        GateResult r = check(h, D1);
        assertTrue(r.message(), r.passed());
        assertEquals("deployed in staging (entry #1 at 2026-11-02T10:15:30Z by bob)", r.message());
    }

    @Test
    public void refusesADigestThePreviousEnvironmentNeverSaw() {
        GateResult r = check(with(LedgerHistory.empty("staging"), Event.promotion(D1, Outcome.DEPLOYED, "bob")), D2);
        assertFalse(r.passed());
        assertTrue(r.message(), r.message().startsWith(D2.shortForm() + " was never deployed to staging"));
    }

    @Test
    public void refusesADigestThatFailedThere() {
        LedgerHistory h = with(LedgerHistory.empty("staging"),
                Event.promotion(D1, Outcome.FAILED, "bob").withReason("health check failed"));
        GateResult r = check(h, D1);
        assertFalse(r.passed());
        assertTrue(r.message(), r.message().contains("failed in staging (entry #1 at 2026-11-02T10:15:30Z: health"
                + " check failed)"));
    }

    @Test
    public void refusesADigestRolledBackFromThereUntilItIsDeployedThereAgain() {
        LedgerHistory h = with(LedgerHistory.empty("staging"), Event.promotion(D1, Outcome.DEPLOYED, "bob"));
        h = with(h, Event.promotion(D2, Outcome.DEPLOYED, "bob"));
        h = with(h, Event.rollback(D1, Outcome.ROLLED_BACK, "carol"));
        GateResult r = check(h, D2);
        assertFalse(r.passed());
        assertTrue(r.message(), r.message().startsWith("staging was rolled back from " + D2.shortForm()
                + " (entry #3"));
        assertTrue("what it was rolled back to still counts", check(h, D1).passed());
        h = with(h, Event.promotion(D2, Outcome.DEPLOYED, "bob"));
        assertTrue(check(h, D2).passed());
    }

    @Test
    public void passesInTheFirstEnvironment() {
        GateResult r = new PreviousEnvironmentGate().check(new GateContext(Action.PROMOTE,
                staging.repository().digest(D1), staging, List.of(), null, LedgerHistory.empty("staging"), "alice",
                null));
        assertTrue(r.passed());
        assertEquals("staging is the first environment of the promotion order", r.message());
    }
}
