package io.jenkins.plugins.immutable.ledger;

import java.util.Optional;

/**
 * Where the last verified head of each ledger is kept between runs: the {@link LedgerAnchor} a {@link Ledger} starts
 * from and moves forward after every verified read or write. With it, a ledger tag moved back to an older genuine
 * version, a deleted ledger, or a history replaced by a consistent forgery is detected by the next run; without it,
 * only by a process that saw the newer version itself. The CLI keeps anchors in files ({@link FileLedgerAnchors}),
 * the plugin in Jenkins' own storage.
 */
public interface LedgerAnchors {

    /** Keeps nothing: each {@link Ledger} trusts only what it saw itself. */
    LedgerAnchors NONE = new LedgerAnchors() {
        @Override
        public Optional<LedgerAnchor> load(LedgerLocation where) {
            return Optional.empty();
        }

        @Override
        public void save(LedgerLocation where, LedgerAnchor anchor) {
        }

        @Override
        public String describe(LedgerLocation where) {
            return "nowhere";
        }
    };

    /** The anchor kept for the ledger, if any. */
    Optional<LedgerAnchor> load(LedgerLocation where);

    /** Replaces the anchor kept for the ledger with a newer one (verified: every earlier anchor is in its chain). */
    void save(LedgerLocation where, LedgerAnchor anchor);

    /** Where the ledger's anchor is kept, for messages (a person may need to remove it after restoring a ledger). */
    String describe(LedgerLocation where);
}
