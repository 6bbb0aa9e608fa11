package io.jenkins.plugins.immutable.ledger;

import io.jenkins.plugins.immutable.image.Digest;

/**
 * What a check of an environment found, as its ledger records it in an observation entry ({@link Action#RESCAN},
 * {@link Action#DRIFT}). An observation is evidence, not a decision: it names no digest as the entry's own, changes
 * nothing live, and nothing that decides what the environment may do (gates, status, rollback candidates) reads it.
 */
public sealed interface Observation permits RescanRecord, DriftRecord {

    /** The entry's action: which kind of check this is. */
    Action action();

    /** The digest that was live when the check was made (what it was made against), or null when none was. */
    Digest live();

    /**
     * True when {@code other} found the same thing: what a recorder compares before writing, so that a check that
     * repeats the last recorded finding does not grow the ledger. Dates and free text are left out.
     */
    boolean sameFindings(Observation other);

    /** The finding in a word or two: {@code passing}, {@code at-risk}, {@code clean}, {@code drifted}... */
    String finding();

    /** One line for the history and logs. */
    String summary();
}
