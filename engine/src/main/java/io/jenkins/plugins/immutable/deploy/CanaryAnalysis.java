package io.jenkins.plugins.immutable.deploy;

/**
 * The judge between a canary's weight steps: after each step's pause, the {@link Deployer} asks it whether the canary
 * goes on, holds where it is, or is rolled back. The analysis package implements it (metrics, the statistical judge);
 * the plugin may wrap it to ask a person on a hold.
 *
 * <p>It is code, not data, so the journal does not keep it: a process that resumes a canary passes it again.
 */
@FunctionalInterface
public interface CanaryAnalysis {

    /**
     * Judges one step. Called on the deployment's thread; may take as long as the analysis needs (the traffic split
     * stays as it is meanwhile, owned by the deployment).
     *
     * @throws InterruptedException when the deployment is being stopped; the deployer then leaves the split to be
     *         resumed
     */
    CanaryDecision judge(CanaryStep step) throws InterruptedException;

    /** Judges nothing: the canary walks its weight steps and pauses only. */
    CanaryAnalysis NONE = step -> CanaryDecision.proceed("no analysis configured");
}
