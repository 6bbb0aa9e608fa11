package io.jenkins.plugins.immutable.ledger;

import io.jenkins.plugins.immutable.image.Digest;
import java.util.List;

/**
 * A ledger version someone has seen, remembered so that a later read can prove the history only grew since: the
 * entries it had must still be there, unchanged (the hash chain makes the hash of the last one stand for them all).
 * The {@link Ledger} keeps one per environment for its own writes and reads; the plugin and the CLI may keep one
 * across runs (for example in a build's action) and pass it to {@link Ledger#verify(LedgerLocation, LedgerAnchor)}.
 *
 * @param version  the ledger version seen
 * @param entries  how many entries it had
 * @param lastHash the hash of its last entry, or null when it had none
 */
public record LedgerAnchor(Digest version, int entries, Digest lastHash) {

    /** The anchor of a history that was read or written. */
    public static LedgerAnchor of(LedgerHistory history) {
        return new LedgerAnchor(history.version(), history.entries().size(),
                history.last().map(LedgerEntry::hash).orElse(null));
    }

    /**
     * The anchor of a history that was only read, not written by this process: all of it but its last entry. Across
     * processes a write is confirmed only a moment after it is tagged (see {@link Ledger}), so the head a reader sees
     * may be a losing write that the winner's version replaces within that moment, and whose writer then appends its
     * entry again. What the head was built on is settled: someone built on it.
     */
    static LedgerAnchor settledPartOf(LedgerHistory history) {
        List<LedgerEntry> entries = history.entries();
        if (entries.isEmpty()) {
            return new LedgerAnchor(history.previousVersion(), 0, null);
        }
        return new LedgerAnchor(history.previousVersion(), entries.size() - 1,
                entries.size() < 2 ? null : entries.get(entries.size() - 2).hash());
    }

    /**
     * The stronger of this anchor and {@code settled}, the settled part of {@code head}, a head just verified to
     * descend from this anchor: this one when it names the head itself (or the same version with more entries),
     * else {@code settled}, which names the head's predecessor and so descends from this one too.
     */
    LedgerAnchor orNewer(LedgerAnchor settled, LedgerHistory head) {
        if (version != null && version.equals(head.version())) {
            return this;
        }
        if (java.util.Objects.equals(version, settled.version()) && entries > settled.entries()) {
            return this;
        }
        return settled;
    }

    /** Null when {@code history} still holds every entry this anchor saw, else what was lost or rewritten. */
    String lostIn(LedgerHistory history) {
        if (entries == 0) {
            return null;
        }
        if (history.entries().size() < entries) {
            return "the ledger had " + entries + " entries (version " + version + ") and now has "
                    + history.entries().size() + ": entries were lost, overwritten by another writer or removed";
        }
        LedgerEntry then = history.entries().get(entries - 1);
        if (!then.hash().equals(lastHash)) {
            return "entry #" + entries + " is not the one seen in version " + version + " (hash " + lastHash
                    + ", now " + then.hash() + "): the history up to it was rewritten";
        }
        return null;
    }
}
