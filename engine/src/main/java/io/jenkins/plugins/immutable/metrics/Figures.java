package io.jenkins.plugins.immutable.metrics;

/**
 * The windowed figures of one scope (an environment, or all of them) over one window. Ratios are null when their
 * denominator is 0: "no deployment" is not "0 % success". docs/metrics.md defines each one.
 *
 * @param promotions             promotions that ended in the window (ledger entries with action promote)
 * @param deployed               of which deployed (live afterwards)
 * @param failed                 of which failed (the strategy restored what ran before)
 * @param deploymentSuccessRate  M1: deployed / promotions
 * @param rollbacks              rollbacks that restored traffic in the window: failed promotions whose deployment
 *                               was rolled back, and rollbacks asked for (action rollback, outcome rolled-back)
 * @param timeToRollback         M2: from the decision to roll back to traffic restored, from the deployment journal;
 *                               {@code count} can be below {@code rollbacks} (see {@code rollbacksUntimed})
 * @param rollbacksUntimed       rollbacks whose journal states could not be found (no deployment id, or the ledger
 *                               version holding them is gone from the registry)
 * @param canaries               canary promotions the analysis judged: deployed, or failed by the analysis (a
 *                               first deployment, with nothing live to compare with, is not judged)
 * @param canariesPassed         of which deployed
 * @param canaryPassRate         M3: canariesPassed / canaries
 * @param driftIncidents         M4: drift incidents that began in the window (consecutive drift checks that found
 *                               differences, until a clean check); null when no drift check of the scope was
 *                               recorded before the window's end (nobody looked: 0 would claim too much)
 * @param timeToClean            how long the drift incidents that ended in the window lasted: from the first check
 *                               that found differences to the first clean check after it
 * @param timeToRecovery         M5: from when a failed change started (a failed deployment's start, or a digest's
 *                               going live before it was rolled back) to traffic restored
 * @param deploymentsPerDay      DORA deployment frequency: deployed / days in the window
 * @param leadTime               lead time for changes: from the build's start in the digest's provenance to the
 *                               digest going live here
 * @param leadTimeUnmeasured     deployments without verified provenance (or without a build start in it)
 * @param changeFailures         promotions that failed, or that were rolled back away from later
 * @param changeFailureRate      DORA change failure rate: changeFailures / promotions
 */
public record Figures(int promotions, int deployed, int failed, Double deploymentSuccessRate, int rollbacks,
        DurationStats timeToRollback, int rollbacksUntimed, int canaries, int canariesPassed, Double canaryPassRate,
        Integer driftIncidents, DurationStats timeToClean, DurationStats timeToRecovery, Double deploymentsPerDay, DurationStats leadTime,
        int leadTimeUnmeasured, int changeFailures, Double changeFailureRate) {

    static Double ratio(int part, int whole) {
        return whole == 0 ? null : (double) part / whole;
    }
}
