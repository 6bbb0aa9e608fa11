package io.jenkins.plugins.immutable.metrics;

import io.jenkins.plugins.immutable.image.Digest;
import io.jenkins.plugins.immutable.ledger.LedgerEntry;
import io.jenkins.plugins.immutable.ledger.Outcome;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Counts the occurrences of a window into figures. Pure: what it needs beyond the ledger comes from {@link Facts}. */
final class Tally {

    /** The strategy name canary deployments record. */
    static final String CANARY = "canary";
    /** How the deployer words a rollback the canary analysis decided (a verdict, not an error of the analysis). */
    static final String ANALYSIS_VERDICT = "canary analysis at ";

    /** When a rollback was started, decided and done, from the deployment journal. */
    record RollbackTiming(Instant started, Instant decided, Instant restored) {
    }

    /** What the figures need beyond the ledger, for one environment. */
    interface Facts {
        /** The journal's times of the deployment an entry records, when they can be found. */
        Optional<RollbackTiming> rollback(LedgerEntry entry);

        /** The build's start in the digest's verified provenance, when there is one. */
        Optional<Instant> buildStarted(Digest digest);
    }

    int promotions;
    int deployed;
    int failed;
    int rollbacks;
    int rollbacksUntimed;
    int canaries;
    int canariesPassed;
    int leadTimeUnmeasured;
    int changeFailures;
    /** Whether a drift check was recorded before the window's end: M4 is 0 then, not unknown, without incidents. */
    boolean driftMeasured;
    int driftIncidents;
    final List<Duration> toClean = new ArrayList<>();
    final List<Duration> toRollback = new ArrayList<>();
    final List<Duration> toRecovery = new ArrayList<>();
    final List<Duration> lead = new ArrayList<>();

    /** The occurrences in {@code window}. */
    static Tally of(List<Occurrences.Occurrence> occurrences, Window window, Facts facts, boolean leadTimes) {
        Tally t = new Tally();
        for (Occurrences.Occurrence o : occurrences) {
            if (o.kind() == Occurrences.Kind.DRIFT_CHECKED && o.time().isBefore(window.to())) {
                t.driftMeasured = true;
            }
            if (window.contains(o.time())) {
                t.count(o, facts, leadTimes);
            }
        }
        return t;
    }

    private void count(Occurrences.Occurrence o, Facts facts, boolean leadTimes) {
        LedgerEntry e = o.entry();
        switch (o.kind()) {
            case PROMOTION -> {
                promotions++;
                // a first deployment has nothing to compare with: its canary plan is a plain start, never judged
                boolean canary = CANARY.equals(e.event().strategy()) && e.previousDigest() != null;
                if (e.outcome() == Outcome.DEPLOYED) {
                    deployed++;
                    if (canary) {
                        canaries++;
                        canariesPassed++;
                    }
                    Optional<Instant> started = leadTimes ? facts.buildStarted(e.digest()) : Optional.empty();
                    if (started.isPresent() && !started.get().isAfter(e.time())) {
                        lead.add(Duration.between(started.get(), e.time()));
                    } else {
                        leadTimeUnmeasured++;
                    }
                } else {
                    failed++;
                    changeFailures++;
                    rollbacks++;
                    if (canary && e.reason() != null && e.reason().contains(ANALYSIS_VERDICT)) {
                        canaries++;
                    }
                    Optional<RollbackTiming> timing = facts.rollback(e);
                    if (timing.isPresent() && timing.get().decided() != null) {
                        toRollback.add(between(timing.get().decided(), timing.get().restored()));
                    } else {
                        rollbacksUntimed++;
                    }
                    timing.ifPresent(t -> toRecovery.add(between(t.started(), t.restored())));
                }
            }
            case ROLLBACK -> {
                rollbacks++;
                Optional<RollbackTiming> timing = facts.rollback(e);
                if (timing.isPresent() && timing.get().decided() != null) {
                    toRollback.add(between(timing.get().decided(), timing.get().restored()));
                } else {
                    rollbacksUntimed++;
                }
                if (o.cause() != null) {
                    Instant restored = timing.map(RollbackTiming::restored).orElse(e.time());
                    toRecovery.add(between(o.cause().time(), restored));
                }
            }
            case CHANGE_FAILURE -> changeFailures++;
            case DRIFT_INCIDENT -> driftIncidents++;
            case DRIFT_CLEANED -> toClean.add(between(o.cause().time(), e.time()));
            case DRIFT_CHECKED -> {
                // counted in of(): it tells whether M4 is measured, not how much
            }
        }
    }

    private static Duration between(Instant from, Instant to) {
        Duration d = Duration.between(from, to);
        return d.isNegative() ? Duration.ZERO : d;
    }

    void add(Tally other) {
        promotions += other.promotions;
        deployed += other.deployed;
        failed += other.failed;
        rollbacks += other.rollbacks;
        rollbacksUntimed += other.rollbacksUntimed;
        canaries += other.canaries;
        canariesPassed += other.canariesPassed;
        leadTimeUnmeasured += other.leadTimeUnmeasured;
        changeFailures += other.changeFailures;
        driftMeasured |= other.driftMeasured;
        driftIncidents += other.driftIncidents;
        toClean.addAll(other.toClean);
        toRollback.addAll(other.toRollback);
        toRecovery.addAll(other.toRecovery);
        lead.addAll(other.lead);
    }

    Figures figures(Window window) {
        return new Figures(promotions, deployed, failed, Figures.ratio(deployed, promotions), rollbacks,
                DurationStats.of(toRollback), rollbacksUntimed, canaries, canariesPassed,
                Figures.ratio(canariesPassed, canaries), driftMeasured ? driftIncidents : null,
                DurationStats.of(toClean), DurationStats.of(toRecovery),
                deployed / window.days(), DurationStats.of(lead), leadTimeUnmeasured, changeFailures,
                Figures.ratio(changeFailures, promotions));
    }
}
