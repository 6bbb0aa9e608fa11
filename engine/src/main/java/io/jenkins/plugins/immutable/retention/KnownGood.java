package io.jenkins.plugins.immutable.retention;

import io.jenkins.plugins.immutable.image.Digest;
import io.jenkins.plugins.immutable.ledger.Action;
import io.jenkins.plugins.immutable.ledger.LedgerEntry;
import io.jenkins.plugins.immutable.ledger.LedgerHistory;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * An environment's known-good digests: what was live there, newest first, without what it was rolled back away from
 * (that proved bad) and without deployments that failed. The same list decides what retention keeps and what a
 * re-scan checks as rollback candidates. (Its home is the ledger's history; it stays here while the ledger's format
 * is being changed.)
 */
public final class KnownGood {

    private KnownGood() {
    }

    /**
     * At most {@code limit} known-good digests, the live one included, newest first; each as the newest entry that
     * made it live.
     */
    public static List<LedgerEntry> of(LedgerHistory history, int limit) {
        List<LedgerEntry> entries = history.entries();
        Set<Digest> bad = new HashSet<>();
        Set<Digest> good = new HashSet<>();
        List<LedgerEntry> out = new ArrayList<>();
        for (int i = entries.size() - 1; i >= 0 && out.size() < limit; i--) {
            LedgerEntry entry = entries.get(i);
            if (entry.action() == Action.ROLLBACK && entry.outcome().makesLive() && entry.previousDigest() != null) {
                bad.add(entry.previousDigest());
            }
            if (entry.outcome().makesLive() && !bad.contains(entry.digest()) && good.add(entry.digest())) {
                out.add(entry);
            }
        }
        return List.copyOf(out);
    }

    /**
     * The digests a rollback could return to: the known-good ones of {@link #of} without the live one, newest first
     * (the first is what {@link LedgerHistory#previousKnownGood()} picks).
     */
    public static List<LedgerEntry> rollbackCandidates(LedgerHistory history, int limit) {
        Digest live = history.live().orElse(null);
        return of(history, limit).stream().filter(e -> !e.digest().equals(live)).toList();
    }
}
