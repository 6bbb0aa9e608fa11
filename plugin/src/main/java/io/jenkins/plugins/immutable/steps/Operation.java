package io.jenkins.plugins.immutable.steps;

import io.jenkins.plugins.immutable.config.DeliveryConfig;
import io.jenkins.plugins.immutable.config.EnvironmentConfig;
import io.jenkins.plugins.immutable.config.StrategyConfig;
import io.jenkins.plugins.immutable.image.Digest;
import io.jenkins.plugins.immutable.image.ImageReference;
import io.jenkins.plugins.immutable.ledger.Action;
import io.jenkins.plugins.immutable.promote.Promoter;
import io.jenkins.plugins.immutable.promote.PromotionRequest;
import io.jenkins.plugins.immutable.promote.PromotionResult;
import io.jenkins.plugins.immutable.promote.RollbackRequest;
import java.io.Serializable;
import java.util.List;

/**
 * What a {@code promoteImage} or {@code rollbackImage} asked for, in plain values: kept with the step's execution
 * in the build's program state, so that after a restart it is carried on (or started again) as it was asked.
 *
 * @param image     the image to promote ({@link Action#PROMOTE}); null for a rollback, or to take the digest live
 *                  upstream
 * @param strategy  the step's strategy, or null for the environment's own
 * @param target    the digest to roll back to ({@link Action#ROLLBACK}); null = the previous known-good one
 * @param force     the reason a rollback overrides refusing gates, or null
 * @param approvers who may approve (user ids or groups, comma-separated); null = anyone who may build the job
 * @param overrideFreeze the reason a promotion goes into a frozen environment or outside its windows, or null
 * @param from      without an image: the upstream environment whose live digest to take; null = its only one
 */
record Operation(Action action, String image, String environment, StrategyConfig strategy, boolean resolveTag,
        String target, String force, String approvers, String overrideFreeze, String from) implements Serializable {

    private static final long serialVersionUID = 1L;

    /**
     * The configuration this operation runs with: the step's strategy in place of the environment's own, so that a
     * canary naming an analysis template is judged by it (also when it is resumed). Checked as a whole, so a canary
     * pause too short for its template is refused before anything starts.
     */
    DeliveryConfig configure(DeliveryConfig config) {
        config.environment(environment);
        if (strategy == null) {
            return config;
        }
        List<EnvironmentConfig> environments = config.environments().stream()
                .map(e -> e.name().equals(environment) ? e.withStrategy(strategy) : e)
                .toList();
        return config.withEnvironments(environments);
    }

    /** Runs it from the start: gates, approval, copy, deployment, ledger. */
    PromotionResult perform(Promoter promoter, String actor, String run) {
        if (action == Action.ROLLBACK) {
            RollbackRequest request = new RollbackRequest(environment, target == null ? null : Digest.parse(target),
                    null, actor, run, null);
            return promoter.rollback(force == null ? request : request.forced(force));
        }
        ImageReference what = image == null ? promoter.liveUpstream(environment, from) : ImageReference.parse(image);
        PromotionRequest request = PromotionRequest.of(what, environment, actor, run);
        request = resolveTag ? request.resolvingTag() : request;
        return promoter.promote(overrideFreeze == null ? request : request.overridingFreeze(overrideFreeze));
    }

    /** One line for the log and the step's status. */
    String describe() {
        String how = strategy == null ? "" : " (" + name(strategy) + ")";
        return action == Action.ROLLBACK
                ? Messages.Operation_RollingBack(environment, target == null ? Messages.Operation_PreviousKnownGood()
                        : target) + how
                : Messages.Operation_Promoting(image != null ? image : Messages.Operation_LiveIn(from != null ? from
                        : Messages.Operation_Upstream()), environment) + how;
    }

    static String name(StrategyConfig strategy) {
        if (strategy instanceof StrategyConfig.Rolling) {
            return "rolling";
        }
        return strategy instanceof StrategyConfig.BlueGreen ? "blueGreen" : "canary";
    }
}
