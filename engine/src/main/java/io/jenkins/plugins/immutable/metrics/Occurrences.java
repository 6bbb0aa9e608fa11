package io.jenkins.plugins.immutable.metrics;

import io.jenkins.plugins.immutable.image.Digest;
import io.jenkins.plugins.immutable.ledger.Action;
import io.jenkins.plugins.immutable.ledger.DriftRecord;
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
        CHANGE_FAILURE,
        /** The environment's first recorded drift check: M4 is measured from then on. */
        DRIFT_CHECKED,
        /** A drift incident began: a check found differences after a clean one (or as the first); at its time. */
        DRIFT_INCIDENT,
        /** A drift incident ended: the first clean check after it; at its time; {@code cause} began the incident. */
        DRIFT_CLEANED
    }

    /**
     * @param cause for a rollback: the entry that made live what it rolled back from (null when the ledger starts
     *              after it); for a change failure: the promotion that failed later; for a drift incident cleaned:
     *              the check that began it
     */
    record Occurrence(Kind kind, Instant time, LedgerEntry entry, LedgerEntry cause) {
    }

    private final List<Occurrence> list = new ArrayList<>();
    private int processed;
    private Digest lastHash;
    private LedgerEntry liveEntry;
    private boolean driftChecked;
    /** The check that began the drift incident still open, or null. */
    private LedgerEntry drifted;

    /** Brings this up to {@code history}; returns how many entries were walked. */
    int advance(LedgerHistory history) {
        List<LedgerEntry> entries = history.entries();
        boolean extends_ = processed <= entries.size()
                && (processed == 0 || entries.get(processed - 1).hash().equals(lastHash));
        if (!extends_) {
            list.clear();
            processed = 0;
            liveEntry = null;
            driftChecked = false;
            drifted = null;
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
        if (e.observation() instanceof DriftRecord d) {
            drift(e, d);
            return;
        }
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

    /**
     * Groups drift checks into incidents: checks that found differences, one after the other, are one incident until
     * a clean check ends it. A check that found a deployment under way says nothing yet (what runs is in between):
     * it neither begins nor ends one.
     */
    private void drift(LedgerEntry e, DriftRecord d) {
        if (!driftChecked) {
            driftChecked = true;
            list.add(new Occurrence(Kind.DRIFT_CHECKED, e.time(), e, null));
        }
        if (d.deploymentUnderway()) {
            return;
        }
        if (!d.clean() && drifted == null) {
            drifted = e;
            list.add(new Occurrence(Kind.DRIFT_INCIDENT, e.time(), e, null));
        } else if (d.clean() && drifted != null) {
            list.add(new Occurrence(Kind.DRIFT_CLEANED, e.time(), e, drifted));
            drifted = null;
        }
    }

    /** The check that began the drift incident still open at the head (no clean check since), or null. */
    LedgerEntry openDrift() {
        return drifted;
    }

    List<Occurrence> all() {
        return Collections.unmodifiableList(list);
    }

    int processed() {
        return processed;
    }
}
