package io.jenkins.plugins.immutable.cli;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import io.jenkins.plugins.immutable.ProgressListener;
import io.jenkins.plugins.immutable.image.Digest;
import io.jenkins.plugins.immutable.image.Repository;
import io.jenkins.plugins.immutable.ledger.Event;
import io.jenkins.plugins.immutable.ledger.Ledger;
import io.jenkins.plugins.immutable.ledger.LedgerLocation;
import io.jenkins.plugins.immutable.ledger.Outcome;
import io.jenkins.plugins.immutable.registry.RegistryClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** {@code history} on the stack's registry: the anchors the command line keeps between runs, and its table. */
public class LedgerCommandTest {

    @Rule
    public final TemporaryFolder tmp = new TemporaryFolder();

    private final RegistryClient client = RegistryClient.builder().build();
    private final Repository repo = Repository.parse(Stacks.registry() + "/cli-ledger/"
            + Long.toString(ThreadLocalRandom.current().nextLong(1L << 40), 36));
    private final LedgerLocation prod = new LedgerLocation(repo, "prod");

    private Path dir() throws Exception {
        Path dir = tmp.getRoot().toPath();
        Files.writeString(dir.resolve("immutable.yaml"), """
                environments:
                  - name: prod
                    repository: %s
                    target: { docker: { ports: "28140-28159" } }
                """.formatted(repo));
        return dir;
    }

    private void failed(String actor, String reason) {
        new Ledger(client).record(prod, Event.promotion(Digest.sha256(actor.getBytes(StandardCharsets.UTF_8)),
                Outcome.FAILED, actor).withReason(reason), ProgressListener.NONE);
    }

    private Digest head() {
        return client.headManifest(repo.tag(prod.ledgerTag())).orElseThrow().digest();
    }

    @Test
    public void aLedgerTagMovedBackBetweenTwoRunsIsReportedByTheAnchorTheFirstRunKept() throws Exception {
        Path dir = dir();
        failed("alice", "health check failed");
        Digest older = head();
        failed("bob", "Error response from daemon: manifest unknown\n");
        CliRun first = CliRun.run(dir, Map.of(), "history", "prod");
        assertEquals(first.toString(), 0, first.exitCode());
        String row = first.out().lines().filter(l -> l.contains("bob")).findFirst().orElseThrow();
        assertTrue("Docker's stray newline stays inside its row: " + first.out(), row.endsWith("manifest unknown"));
        assertTrue(Files.list(dir.resolve(".immutable-state").resolve("ledger-anchors")).findAny().isPresent());

        // Someone with push rights puts the older version back: its chain is intact, and no tag disagrees.
        client.putManifest(repo.tag(prod.ledgerTag()), client.getManifest(repo.digest(older)));
        CliRun second = CliRun.run(dir, Map.of(), "history", "prod");
        assertEquals(second.toString(), 6, second.exitCode());
        assertTrue(second.err(), second.err().contains("is not among the versions the ledger's head was built on"));
        assertTrue(second.err(), second.err().contains(dir.resolve(".immutable-state").toString()));
        assertFalse(second.err(), second.err().contains("\tat "));

        // A machine that never saw the newer version cannot tell: that is what the anchors are for.
        CliRun elsewhere = CliRun.run(dir, Map.of(Session.STATE_DIR, tmp.newFolder().toString()), "history", "prod");
        assertEquals(elsewhere.toString(), 0, elsewhere.exitCode());
    }
}
