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
        DeploymentRecord record = history.deployment();
        if (record != null && record.hash() != null) {
            if (!LedgerFormat.hash(LedgerFormat.rawDeployment(bytes)).equals(record.hash())) {
                problems.add("the deployment record (deployment " + record.id() + ") was changed after it was"
                        + " written: its content no longer matches its hash");
            }
            if (record.after() != null && entries.stream().noneMatch(e -> e.hash().equals(record.after()))) {
                problems.add("the deployment record (deployment " + record.id() + ") was written after an entry"
                        + " this ledger does not have (hash " + record.after() + "): it was copied from another"
                        + " ledger or from before the history was rewritten");
            }
        }
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

    /**
     * What is wrong with {@code after} as the version written over {@code before} (which it names as the one it
     * replaced), or null: a write adds at most one entry and keeps every earlier one (the hash of the last kept entry
     * stands for all before it), an added entry names {@code before} as the version it was appended to, and a write
     * that adds an entry leaves the deployment record as it was (the journal's writes change only the record).
     */
    static String linkProblem(LedgerHistory before, LedgerHistory after) {
        List<LedgerEntry> old = before.entries();
        List<LedgerEntry> entries = after.entries();
        int added = entries.size() - old.size();
        if (added < 0 || added > 1) {
            return "version " + after.version() + " has " + entries.size() + " entries and the version it replaced, "
                    + before.version() + ", " + old.size() + ": a write adds at most one, so entries were removed"
                    + " or forged";
        }
        if (!old.isEmpty() && !old.get(old.size() - 1).hash().equals(entries.get(old.size() - 1).hash())) {
            return "entry #" + old.size() + " of version " + after.version() + " differs from the one in the version"
                    + " it replaced, " + before.version() + ": the history was rewritten";
        }
        if (added == 1 && !before.version().equals(entries.get(entries.size() - 1).previousLedger())) {
            return "the last entry of version " + after.version() + " names " + entries.get(entries.size() - 1)
                    .previousLedger() + " as the version it was appended to, but the version it replaced is "
                    + before.version();
        }
        DeploymentRecord record = after.deployment();
        if (added == 1 && !Objects.equals(before.deployment(), record)) {
            return "version " + after.version() + " adds an entry and also changes the deployment record: a write"
                    + " does one or the other, so the record was forged";
        }
        if (record != null && !record.equals(before.deployment())) {
            if (record.hash() == null && before.deployment() != null && before.deployment().hash() != null) {
                return "version " + after.version() + " holds a deployment record without a hash over one that had"
                        + " one: the record was forged";
            }
            Digest last = entries.isEmpty() ? null : entries.get(entries.size() - 1).hash();
            if (record.hash() != null && !Objects.equals(record.after(), last)) {
                return "the deployment record of version " + after.version() + " was written after entry hash "
                        + record.after() + ", but the version names " + (last == null ? "no entry" : last)
                        + " last: the record was copied from elsewhere";
            }
        }
        return null;
    }

    static String describe(LedgerEntry e) {
        return "entry #" + e.sequence() + " (" + e.action() + (e.digest() == null ? "" : " " + e.digest().shortForm()
                + " " + e.outcome()) + " at " + e.time() + ")";
    }
}
