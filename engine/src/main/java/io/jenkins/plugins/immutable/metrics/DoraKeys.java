package io.jenkins.plugins.immutable.metrics;

import java.util.List;

/**
 * The four keys of DORA, read in production: the leaf environments of the promotion graph (those nothing takes from,
 * production and its variants such as prod-acme), their deployments taken together, since each is a deployment to
 * production. With one leaf (a plain promotion order), the same facts as its {@link Figures}, named as the industry
 * names them.
 *
 * @param environments      the environments they are read in
 * @param deploymentsPerDay deployment frequency
 * @param leadTime          lead time for changes (from the build's start, see docs/metrics.md)
 * @param changeFailureRate change failure rate
 * @param timeToRestore     time to restore service (failed deployment recovery time)
 */
public record DoraKeys(List<String> environments, Double deploymentsPerDay, DurationStats leadTime,
        Double changeFailureRate, DurationStats timeToRestore) {

    public DoraKeys {
        environments = List.copyOf(environments);
    }

    static DoraKeys of(List<String> environments, Figures f) {
        return new DoraKeys(environments, f.deploymentsPerDay(), f.leadTime(), f.changeFailureRate(),
                f.timeToRecovery());
    }
}
