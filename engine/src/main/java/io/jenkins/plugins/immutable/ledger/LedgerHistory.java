package io.jenkins.plugins.immutable.ledger;

import io.jenkins.plugins.immutable.image.Digest;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * One version of an environment's ledger: its history, and the deployment under way if any. Immutable; the
 * {@link Ledger} writes a new version for every change.
 *
 * @param environment     the environment's name
 * @param entries         the history, oldest first
 * @param deployment      the deployment under way, or null
 * @param previousVersion the digest of the ledger version this one replaced, or null for the first version
 * @param version         the digest of the ledger manifest this was read from, or null when it is not written yet
 */
public record LedgerHistory(String environment, List<LedgerEntry> entries, DeploymentRecord deployment,
        Digest previousVersion, Digest version) {

    public LedgerHistory {
        Objects.requireNonNull(environment, "environment");
        entries = List.copyOf(entries);
    }

    /** The history of an environment that has no ledger yet. */
    public static LedgerHistory empty(String environment) {
        return new LedgerHistory(environment, List.of(), null, null, null);
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }

    public Optional<LedgerEntry> last() {
        return entries.isEmpty() ? Optional.empty() : Optional.of(entries.get(entries.size() - 1));
    }

    /** The entry that made the live digest live, if any digest is live. */
    public Optional<LedgerEntry> liveEntry() {
        for (int i = entries.size() - 1; i >= 0; i--) {
            if (entries.get(i).outcome().makesLive()) {
                return Optional.of(entries.get(i));
            }
        }
        return Optional.empty();
    }

    /** The digest live in the environment according to the ledger. */
    public Optional<Digest> live() {
        return liveEntry().map(LedgerEntry::digest);
    }

    /** True when the digest was deployed here by a promotion that succeeded (what the next environment's gate asks). */
    public boolean deployed(Digest digest) {
        return entries.stream().anyMatch(e -> digest.equals(e.digest()) && e.outcome() == Outcome.DEPLOYED);
    }

    /** True when the digest was live here at some time (deployed or rolled back to). */
    public boolean wasLive(Digest digest) {
        return entries.stream().anyMatch(e -> digest.equals(e.digest()) && e.outcome().makesLive());
    }

    /**
     * The digest to roll back to: the most recent digest that was live before the live one, skipping every digest
     * the environment was rolled back away from (it proved bad) and every digest whose deployment failed.
     */
    public Optional<LedgerEntry> previousKnownGood() {
        Optional<Digest> live = live();
        Set<Digest> bad = new HashSet<>();
        for (int i = entries.size() - 1; i >= 0; i--) {
            LedgerEntry e = entries.get(i);
            if (e.action() == Action.ROLLBACK && e.outcome().makesLive() && e.previousDigest() != null) {
                bad.add(e.previousDigest());
            }
            if (e.outcome() == Outcome.FAILED || !e.action().changesDigest()) {
                continue;
            }
            if (!bad.contains(e.digest()) && !live.map(e.digest()::equals).orElse(false)) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }

    /**
     * The freeze in force: the newest {@link Action#FREEZE} entry when no {@link Action#UNFREEZE} came after it;
     * empty when the environment is not frozen.
     */
    public Optional<LedgerEntry> activeFreeze() {
        for (int i = entries.size() - 1; i >= 0; i--) {
            Action a = entries.get(i).action();
            if (a == Action.FREEZE) {
                return Optional.of(entries.get(i));
            }
            if (a == Action.UNFREEZE) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    /** The newest observation entry of {@code kind} ({@link Action#RESCAN} or {@link Action#DRIFT}), if any. */
    public Optional<LedgerEntry> lastObservation(Action kind) {
        for (int i = entries.size() - 1; i >= 0; i--) {
            if (entries.get(i).action() == kind) {
                return Optional.of(entries.get(i));
            }
        }
        return Optional.empty();
    }

    /** The history with one more entry (not yet written): see {@link LedgerFormat#append}. */
    LedgerHistory with(List<LedgerEntry> newEntries, DeploymentRecord newDeployment) {
        return new LedgerHistory(environment, newEntries, newDeployment, version, null);
    }
}
