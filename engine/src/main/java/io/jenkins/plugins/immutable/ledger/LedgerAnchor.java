package io.jenkins.plugins.immutable.ledger;

import io.jenkins.plugins.immutable.image.Digest;

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
