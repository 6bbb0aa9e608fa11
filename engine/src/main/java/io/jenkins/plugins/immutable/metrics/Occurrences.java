package io.jenkins.plugins.immutable.metrics;

import io.jenkins.plugins.immutable.image.Digest;
import io.jenkins.plugins.immutable.ledger.Action;
import io.jenkins.plugins.immutable.ledger.LedgerEntry;
import io.jenkins.plugins.immutable.ledger.LedgerHistory;
import io.jenkins.plugins.immutable.ledger.Outcome;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * What one environment's ledger says happened, as the events the figures count, each at the time it counts at. Kept
 * between calls: a later version of the ledger holds the same entries plus new ones (the ledger checks that), so
 * only the new entries are walked; any other change (a different environment history) starts over.
 */
final class Occurrences {

    enum Kind {
        /** A promotion ended (deployed or failed); at the entry's time. */
        PROMOTION,
        /** A rollback that was asked for restored traffic; at the entry's time; {@code cause} made the digest it
         *  left live. */
        ROLLBACK,
        /** A promotion later rolled back away from; at the promotion's time ({@code cause}). */
        CHANGE_FAILURE
    }

    /**
     * @param cause for a rollback: the entry that made live what it rolled back from (null when the ledger starts
     *              after it); for a change failure: the promotion that failed later
     */
    record Occurrence(Kind kind, Instant time, LedgerEntry entry, LedgerEntry cause) {
    }

    private final List<Occurrence> list = new ArrayList<>();
    private int processed;
    private Digest lastHash;
    private LedgerEntry liveEntry;

    /** Brings this up to {@code history}; returns how many entries were walked. */
    int advance(LedgerHistory history) {
        List<LedgerEntry> entries = history.entries();
        boolean extends_ = processed <= entries.size()
                && (processed == 0 || entries.get(processed - 1).hash().equals(lastHash));
        if (!extends_) {
            list.clear();
            processed = 0;
            liveEntry = null;
        }
        int walked = 0;
        for (int i = processed; i < entries.size(); i++) {
            add(entries.get(i));
            walked++;
        }
        processed = entries.size();
        lastHash = entries.isEmpty() ? null : entries.get(entries.size() - 1).hash();
        return walked;
    }

    private void add(LedgerEntry e) {
        if (e.action() == Action.PROMOTE) {
            list.add(new Occurrence(Kind.PROMOTION, e.time(), e, null));
        } else if (e.outcome() == Outcome.ROLLED_BACK) {
            list.add(new Occurrence(Kind.ROLLBACK, e.time(), e, liveEntry));
            if (liveEntry != null && liveEntry.action() == Action.PROMOTE && liveEntry.outcome() == Outcome.DEPLOYED) {
                list.add(new Occurrence(Kind.CHANGE_FAILURE, liveEntry.time(), e, liveEntry));
            }
        }
        if (e.outcome().makesLive()) {
            liveEntry = e;
        }
    }

    List<Occurrence> all() {
        return Collections.unmodifiableList(list);
    }

    int processed() {
        return processed;
    }
}
