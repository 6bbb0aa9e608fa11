package io.jenkins.plugins.immutable.ledger;

import io.jenkins.plugins.immutable.image.Digest;
import io.jenkins.plugins.immutable.image.Repository;
import io.jenkins.plugins.immutable.registry.RegistryClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * A separate process that records entries in a ledger, for the writers in several processes of {@link LedgerTest}:
 * failed promotions, or with {@code drift:<live digest>} drift checks that alternate between drifted and clean (each a
 * change, so each recorded).
 */
public final class LedgerWriterProcess {

    private LedgerWriterProcess() {
    }

    /** Arguments: repository, environment, actor, number of entries, and optionally {@code drift:<live digest>}. */
    public static void main(String[] args) {
        Repository repo = Repository.parse(args[0]);
        LedgerLocation where = new LedgerLocation(repo, args[1]);
        Ledger ledger = new Ledger(RegistryClient.builder().build(), Clock.systemUTC(), Duration.ofMillis(100), 20);
        int count = Integer.parseInt(args[3]);
        if (args.length > 4 && args[4].startsWith("drift:")) {
            Digest live = Digest.parse(args[4].substring("drift:".length()));
            for (int i = 0; i < count; i++) {
                DriftRecord found = i % 2 == 0 ? new DriftRecord(live, List.of(new DriftRecord.Difference(
                        "UNMANAGED", "prod-hand-made", "was not started by the engine"))) : new DriftRecord(live,
                        List.of());
                Observed o = ledger.observe(where, Event.observed(found, args[2]), Observed.RECONFIRM_AFTER,
                        System.out::println);
                if (!o.written()) {
                    throw new IllegalStateException("a drift check that changed was not recorded: " + o.message());
                }
            }
            return;
        }
        for (int i = 0; i < count; i++) {
            Digest d = Digest.sha256((args[2] + i).getBytes(StandardCharsets.UTF_8));
            LedgerEntry e = ledger.record(where, Event.promotion(d, Outcome.FAILED, args[2]), System.out::println);
            System.out.println("recorded " + e.summary());
        }
    }
}
