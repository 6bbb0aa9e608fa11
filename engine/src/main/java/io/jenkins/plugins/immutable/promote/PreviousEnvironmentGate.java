package io.jenkins.plugins.immutable.promote;

import io.jenkins.plugins.immutable.image.Digest;
import io.jenkins.plugins.immutable.ledger.Action;
import io.jenkins.plugins.immutable.ledger.LedgerEntry;
import io.jenkins.plugins.immutable.ledger.LedgerHistory;
import io.jenkins.plugins.immutable.ledger.Outcome;
import java.util.List;

/**
 * Passes when the digest came through the environment's upstream environments (the one before it in a plain
 * promotion order; all or any of several in a graph, as the environment requires): each one's ledger records the
 * digest deployed, and its latest word on the digest is still good (not failed there, not rolled back from there
 * since). Named {@code previous-environment} since before the graph, as ledgers record it.
 */
public final class PreviousEnvironmentGate implements Gate {

    public static final String NAME = "previous-environment";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public GateResult check(GateContext c) {
        return c.acrossUpstreams(NAME, c.environment().name() + " is the first environment of the promotion order",
                u -> check(c, u));
    }

    /** Whether the digest came through this one upstream environment. */
    private static GateResult check(GateContext c, GateContext.UpstreamLedger upstream) {
        String env = c.environment().name();
        String prev = upstream.name();
        Digest digest = c.digest();
        LedgerHistory history = upstream.history();
        LedgerEntry verdict = latestWordOn(history.entries(), digest);
        if (verdict == null) {
            return GateResult.refuse(NAME, digest.shortForm() + " was never deployed to " + prev + " (its ledger has no"
                    + " entry for it): promote it to " + prev + " first; " + env + " takes only digests that came"
                    + " through " + prev);
        }
        if (verdict.outcome() == Outcome.FAILED && verdict.digest().equals(digest)) {
            return GateResult.refuse(NAME, digest.shortForm() + " failed in " + prev + " (entry #" + verdict.sequence()
                    + " at " + verdict.time() + (verdict.reason() == null ? "" : ": " + verdict.reason())
                    + "): promote it to " + prev + " again and let it succeed there, or promote a fixed digest");
        }
        if (!verdict.digest().equals(digest)) {
            return GateResult.refuse(NAME, prev + " was rolled back from " + digest.shortForm() + " (entry #"
                    + verdict.sequence() + " at " + verdict.time() + " by " + verdict.actor()
                    + "): a digest rolled back from " + prev + " does not go on to " + env
                    + "; promote it to " + prev + " again if it was not at fault");
        }
        if (!history.deployed(digest)) {
            return GateResult.refuse(NAME, digest.shortForm() + " was only rolled back to in " + prev
                    + ", never promoted there: promote it to " + prev + " first");
        }
        return GateResult.pass(NAME, "deployed in " + prev + " (entry #" + verdict.sequence() + " at "
                + verdict.time() + " by " + verdict.actor() + ")");
    }

    /**
     * The newest entry that says something about the digest: deployed or rolled back to (good), failed (bad), or a
     * rollback away from it (bad); null when the ledger never mentions it.
     */
    private static LedgerEntry latestWordOn(List<LedgerEntry> entries, Digest digest) {
        for (int i = entries.size() - 1; i >= 0; i--) {
            LedgerEntry e = entries.get(i);
            if (digest.equals(e.digest())) {
                return e;
            }
            if (e.action() == Action.ROLLBACK && e.outcome().makesLive() && digest.equals(e.previousDigest())) {
                return e;
            }
        }
        return null;
    }
}
