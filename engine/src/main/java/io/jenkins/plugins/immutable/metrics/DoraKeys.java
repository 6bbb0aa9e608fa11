package io.jenkins.plugins.immutable.metrics;

/**
 * The four keys of DORA, read in the last environment of the promotion order (production): the same facts as that
 * environment's {@link Figures}, named as the industry names them.
 *
 * @param environment       the environment they are read in
 * @param deploymentsPerDay deployment frequency
 * @param leadTime          lead time for changes (from the build's start, see docs/metrics.md)
 * @param changeFailureRate change failure rate
 * @param timeToRestore     time to restore service (failed deployment recovery time)
 */
public record DoraKeys(String environment, Double deploymentsPerDay, DurationStats leadTime, Double changeFailureRate,
        DurationStats timeToRestore) {

    static DoraKeys of(String environment, Figures f) {
        return new DoraKeys(environment, f.deploymentsPerDay(), f.leadTime(), f.changeFailureRate(),
                f.timeToRecovery());
    }
}
