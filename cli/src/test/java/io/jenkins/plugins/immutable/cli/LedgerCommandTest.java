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

    @Test
    public void aSignedLedgerIsCheckedOnEveryReadAndALedgerWrittenBeforeSigningIsSignedOnce() throws Exception {
        Path dir = dir();
        failed("alice", "health check failed");
        assertEquals(0, CliRun.run(dir, Map.of("COSIGN_PASSWORD", "ledger pass"), "keygen").exitCode());
        Files.writeString(dir.resolve("immutable.yaml"), """
                signing:
                  keys:
                    - { id: ledger, credentialsId: ledger-key }
                  trustedKeys:
                    - id: ledger
                      publicKey: |
                %s
                environments:
                  - name: prod
                    repository: %s
                    target: { docker: { ports: "28140-28159" } }
                    ledgerKey: ledger
                """.formatted(Files.readString(dir.resolve("cosign.pub")).indent(8).stripTrailing(), repo));
        Map<String, String> key = Map.of("LEDGER_KEY_FILE", "cosign.key", "LEDGER_KEY_PASSWORD", "ledger pass");

        CliRun unsigned = CliRun.run(dir, Map.of(), "history", "prod");
        assertEquals(unsigned.toString(), 6, unsigned.exitCode());
        assertTrue(unsigned.err(), unsigned.err().contains("is not signed, but the ledger of prod is signed with the"
                + " key 'ledger'"));
        assertTrue(unsigned.err(), unsigned.err().contains("`immutable sign-ledger prod`"));
        assertFalse(unsigned.err(), unsigned.err().contains("\tat "));

        CliRun noKey = CliRun.run(dir, Map.of(), "sign-ledger", "prod");
        assertEquals(noKey.toString(), 2, noKey.exitCode());
        CliRun signed = CliRun.run(dir, key, "sign-ledger", "prod");
        assertEquals(signed.toString(), 0, signed.exitCode());
        CliRun history = CliRun.run(dir, Map.of(), "history", "prod");
        assertEquals(history.toString(), 0, history.exitCode());
        assertTrue(history.out(), history.out().contains("its head signed with the ledger key 'ledger'"));
        CliRun frozen = CliRun.run(dir, key, "freeze", "prod", "--reason", "incident 4711");
        assertEquals(frozen.toString(), 0, frozen.exitCode());
        Digest signedHead = head();

        // Someone with push rights and no key appends an entry that looks like any other.
        failed("mallory", "looks genuine");
        CliRun forged = CliRun.run(dir, Map.of(Session.STATE_DIR, tmp.newFolder().toString()), "history", "prod");
        assertEquals(forged.toString(), 6, forged.exitCode());
        assertTrue(forged.err(), forged.err().contains("point the tag back at the last intact version " + signedHead));
        CliRun refused = CliRun.run(dir, key, "unfreeze", "prod", "--reason", "over");
        assertEquals(refused.toString(), 6, refused.exitCode());
        assertEquals("nothing is written over it", 3, new Ledger(client).read(prod).entries().size());
    }
}
