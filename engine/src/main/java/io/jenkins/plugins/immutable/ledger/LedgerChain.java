package io.jenkins.plugins.immutable.ledger;

import com.fasterxml.jackson.databind.JsonNode;
import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.image.Digest;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Checks the hash chain inside one ledger version, on the entries exactly as stored: each entry's hash matches its
 * content, the sequence numbers run 1, 2, 3..., each entry names the hash of the one before it, and each names as
 * previous digest the one the entries before it left live. What it finds is reported, never repaired.
 */
public final class LedgerChain {

    private LedgerChain() {
    }

    /** The problems of the ledger layer {@code bytes} read from {@code version}; empty when the chain is intact. */
    public static List<String> problems(byte[] bytes, Digest version) {
        List<String> problems = new ArrayList<>();
        List<JsonNode> raw;
        LedgerHistory history;
        try {
            raw = LedgerFormat.rawEntries(bytes, version);
            history = LedgerFormat.read(bytes, version);
        } catch (EngineException e) {
            problems.add(e.getMessage());
            return problems;
        }
        List<LedgerEntry> entries = history.entries();
        Digest live = null;
        for (int i = 0; i < entries.size(); i++) {
            LedgerEntry e = entries.get(i);
            String which = describe(e);
            if (!LedgerFormat.hash(raw.get(i)).equals(e.hash())) {
                problems.add(which + " was changed after it was written: its content no longer matches its hash");
            }
            if (e.sequence() != i + 1) {
                problems.add(i == 0
                        ? "the ledger starts at entry #" + e.sequence() + ": entries #1 to #" + (e.sequence() - 1)
                                + " were removed"
                        : "entry #" + entries.get(i - 1).sequence() + " is followed by entry #" + e.sequence()
                                + ": entries were removed or reordered");
            }
            Digest expectedPrevious = i == 0 ? null : entries.get(i - 1).hash();
            if (!Objects.equals(e.previousHash(), expectedPrevious)) {
                problems.add(i == 0
                        ? which + " names a previous entry although it is the first: the entries before it were"
                                + " removed"
                        : which + " does not follow the entry before it (it names " + e.previousHash()
                                + ", the entry before it has hash " + expectedPrevious
                                + "): an entry was removed, inserted or rewritten");
            }
            if (!Objects.equals(e.previousDigest(), live)) {
                problems.add(which + " says " + (e.previousDigest() == null ? "nothing" : e.previousDigest())
                        + " was live before it, but the entries before it leave "
                        + (live == null ? "nothing" : live) + " live: the history was rewritten");
            }
            if (e.outcome().makesLive()) {
                live = e.digest();
            }
        }
        return problems;
    }

    static String describe(LedgerEntry e) {
        return "entry #" + e.sequence() + " (" + e.action() + (e.digest() == null ? "" : " " + e.digest().shortForm()
                + " " + e.outcome()) + " at " + e.time() + ")";
    }
}
