package io.jenkins.plugins.immutable.promote;

import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.deploy.DeploymentState;
import io.jenkins.plugins.immutable.image.Digest;
import io.jenkins.plugins.immutable.image.ImageReference;
import io.jenkins.plugins.immutable.ledger.LedgerEntry;
import java.util.List;

/**
 * How a promotion, rollback or resume ended.
 *
 * @param status      what happened
 * @param environment the environment
 * @param image       the digest in the environment's repository ({@code repo@sha256:...})
 * @param previous    the digest live before, or null
 * @param gates       what each gate found (refused ones too, when a rollback was forced)
 * @param entry       the ledger entry written, or null when nothing was written ({@link Status#ALREADY_LIVE})
 * @param deployment  the deployment's final state, or null when nothing was deployed
 * @param message     one paragraph for people
 * @param failure     for {@link Status#FAILED}, what kind of failure: {@link EngineException.Kind#ANALYSIS_FAILED}
 *                    when the version was judged bad (health check, canary analysis), {@link EngineException.Kind#OUTAGE}
 *                    when a server (the registry a pull came from) failed
 */
public record PromotionResult(Status status, String environment, ImageReference image, Digest previous,
        List<GateResult> gates, LedgerEntry entry, DeploymentState deployment, String message,
        EngineException.Kind failure) {

    /** What happened. */
    public enum Status {
        /** The digest was deployed and is live; the environment's tag points at it. */
        PROMOTED,
        /** The environment was returned to the digest, which is live again; the tag points at it. */
        ROLLED_BACK,
        /** The digest was live already: nothing was deployed or recorded. */
        ALREADY_LIVE,
        /** Deploying failed; the strategy returned the environment to the previous digest. Recorded as failed. */
        FAILED
    }

    public PromotionResult {
        gates = List.copyOf(gates);
        failure = failure == null ? EngineException.Kind.ANALYSIS_FAILED : failure;
    }

    public PromotionResult(Status status, String environment, ImageReference image, Digest previous,
            List<GateResult> gates, LedgerEntry entry, DeploymentState deployment, String message) {
        this(status, environment, image, previous, gates, entry, deployment, message, null);
    }

    /** True unless {@link Status#FAILED}. */
    public boolean succeeded() {
        return status != Status.FAILED;
    }

    /**
     * Returns this result, or throws when the deployment failed: {@link EngineException.Kind#ANALYSIS_FAILED} when the
     * new digest was judged bad (a failed health check or canary analysis) and rolled back, or the {@link #failure}
     * kind that made it roll back (an outage).
     */
    public PromotionResult requireSuccess() {
        if (status == Status.FAILED) {
            throw new EngineException(failure, message);
        }
        return this;
    }
}
