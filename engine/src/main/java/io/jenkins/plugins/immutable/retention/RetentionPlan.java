package io.jenkins.plugins.immutable.retention;

import io.jenkins.plugins.immutable.image.Digest;
import io.jenkins.plugins.immutable.ledger.LedgerLocation;
import java.io.Serializable;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What retention would delete, and what it keeps and why. Deleting acts on a plan only while every ledger it read is
 * still at the version it read (see {@link Pruner#apply}).
 *
 * @param planned     when the plan was made
 * @param policy      the policy it applies
 * @param kept        every manifest that stays, with its reasons
 * @param doomed      every manifest to delete, attachments before what they are attached to
 * @param ledgerHeads each ledger read, and the version it was at (empty when it had none)
 */
public record RetentionPlan(Instant planned, RetentionPolicy policy, List<Artifact> kept, List<Artifact> doomed,
        Map<LedgerLocation, Optional<Digest>> ledgerHeads) implements Serializable {

    private static final long serialVersionUID = 1L;

    public RetentionPlan {
        kept = List.copyOf(kept);
        doomed = List.copyOf(doomed);
        ledgerHeads = Map.copyOf(ledgerHeads);
    }

    public boolean deletesNothing() {
        return doomed.isEmpty();
    }

    /** A summary for people: what goes, why, and how much stays. */
    public String describe() {
        StringBuilder b = new StringBuilder();
        if (doomed.isEmpty()) {
            b.append("Nothing to delete: every manifest is kept by a rule (").append(kept.size()).append(" kept).\n");
            return b.toString();
        }
        b.append(doomed.size()).append(doomed.size() == 1 ? " manifest" : " manifests").append(" to delete, ")
                .append(kept.size()).append(" kept:\n");
        for (Artifact a : doomed) {
            b.append("  delete ").append(a.repository()).append('@').append(a.label()).append(": ").append(a.why())
                    .append('\n');
        }
        return b.toString();
    }
}
