package io.jenkins.plugins.immutable.ledger;

import io.jenkins.plugins.immutable.image.Digest;
import io.jenkins.plugins.immutable.image.Repository;
import io.jenkins.plugins.immutable.registry.RegistryClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;

/** A separate process that records entries in a ledger, for {@link LedgerTest}'s writers in several processes. */
public final class LedgerWriterProcess {

    private LedgerWriterProcess() {
    }

    /** Arguments: repository, environment, actor, number of entries. */
    public static void main(String[] args) {
        Repository repo = Repository.parse(args[0]);
        LedgerLocation where = new LedgerLocation(repo, args[1]);
        Ledger ledger = new Ledger(RegistryClient.builder().build(), Clock.systemUTC(), Duration.ofMillis(100), 20);
        int count = Integer.parseInt(args[3]);
        for (int i = 0; i < count; i++) {
            Digest d = Digest.sha256((args[2] + i).getBytes(StandardCharsets.UTF_8));
            LedgerEntry e = ledger.record(where, Event.promotion(d, Outcome.FAILED, args[2]), System.out::println);
            System.out.println("recorded " + e.summary());
        }
    }
}
