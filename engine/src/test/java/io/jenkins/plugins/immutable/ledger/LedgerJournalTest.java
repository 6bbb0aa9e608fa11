package io.jenkins.plugins.immutable.ledger;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.ProgressListener;
import io.jenkins.plugins.immutable.deploy.Canary;
import io.jenkins.plugins.immutable.deploy.DeploymentState;
import io.jenkins.plugins.immutable.deploy.Phase;
import io.jenkins.plugins.immutable.deploy.Situation;
import io.jenkins.plugins.immutable.deploy.Track;
import io.jenkins.plugins.immutable.image.Digest;
import io.jenkins.plugins.immutable.image.Repository;
import io.jenkins.plugins.immutable.registry.RegistryClient;
import io.jenkins.plugins.immutable.testing.Stack;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.Test;

/** The deployment journal kept in the ledger, in the stack's registry. */
public class LedgerJournalTest {

    private static final Digest OLD = Digest.sha256("old".getBytes(StandardCharsets.UTF_8));
    private static final Digest NEW = Digest.sha256("new".getBytes(StandardCharsets.UTF_8));

    private final RegistryClient client = RegistryClient.builder().build();
    private final LedgerLocation prod = new LedgerLocation(
            new Repository(Stack.registry(), Stack.uniqueRepository("journal")), "prod");

    private Ledger ledger() {
        return new Ledger(client, Clock.systemUTC(), Duration.ofMillis(20), 5);
    }

    static DeploymentState state(long revision, String owner) {
        Instant t = Instant.parse("2026-11-20T10:15:30Z");
        return new DeploymentState("d1", "prod", "127.0.0.1:5101/team/app", "canary", OLD, Track.BLUE, NEW,
                Track.GREEN, 2, Canary.of(Duration.ofMinutes(5), 5, 25).plan(new Situation("prod", Track.BLUE, OLD,
                NEW, 2, false, true, true)), 1, false, Phase.RUNNING, 2, owner, revision, t, t.plusSeconds(revision),
                t.plusSeconds(5), t.plusSeconds(7), "held at canary 25%: marginal");
    }

    @Test
    public void aSavedStateIsLoadedExactlyByAnotherProcessFromTheRegistry() {
        new LedgerJournal(ledger(), prod, null).save(state(1, "pid 7 on ci"));
        new LedgerJournal(ledger(), prod, null).save(state(2, "pid 7 on ci"));
        assertEquals(Optional.of(state(2, "pid 7 on ci")), new LedgerJournal(ledger(), prod, null).load("prod"));
        assertTrue(ledger().verify(prod).intact());
    }

    @Test
    public void aStaleRevisionIsRefusedNamingTheOwnerThatMovedOn() {
        LedgerJournal first = new LedgerJournal(ledger(), prod, null);
        first.save(state(1, "pid 7 on ci"));
        new LedgerJournal(ledger(), prod, null).save(state(2, "pid 9 on ci-2"));
        EngineException e = assertThrows(EngineException.class, () -> first.save(state(2, "pid 7 on ci")));
        assertEquals(EngineException.Kind.REFUSED, e.kind());
        assertTrue(e.getMessage(), e.getMessage().contains("moved on to revision 2")
                && e.getMessage().contains("owner pid 9 on ci-2"));
        assertEquals(Optional.of(state(2, "pid 9 on ci-2")), first.load("prod"));
    }

    @Test
    public void journalWritesKeepTheHistoryAndItsChain() {
        Ledger ledger = ledger();
        ledger.record(prod, Event.promotion(OLD, Outcome.FAILED, "alice"), ProgressListener.NONE);
        new LedgerJournal(ledger, prod, null).save(state(1, "ci"));
        ledger.record(prod, Event.promotion(NEW, Outcome.FAILED, "bob").withDeployment("d1"), ProgressListener.NONE);
        LedgerHistory h = ledger().read(prod);
        assertEquals(2, h.entries().size());
        assertEquals("d1", h.entries().get(1).event().deployment());
        assertEquals("d1", h.deployment().id());
        assertTrue(ledger().verify(prod).intact());
    }
}
