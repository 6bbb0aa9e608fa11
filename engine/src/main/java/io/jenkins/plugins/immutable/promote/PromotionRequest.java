package io.jenkins.plugins.immutable.promote;

import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.deploy.DeploymentStrategy;
import io.jenkins.plugins.immutable.image.ImageReference;
import java.util.Objects;

/**
 * Promote {@code image} into {@code environment}.
 *
 * @param image        the image, pinned ({@code repo@sha256:...}); a tag only when {@code resolveTag}
 * @param environment  the environment's name
 * @param actor        who asks (a user id, a job); recorded in the ledger
 * @param run          the run it comes from (a Jenkins run URL, a CLI invocation); recorded, may be null
 * @param strategy     the strategy to deploy with, or null for the environment's own
 * @param resolveTag   accept a tag, resolved to its digest once, up front (the log says which digest)
 * @param overrideFreeze when set, promote even though the environment is frozen or outside its promotion windows;
 *                       the reason is recorded in the ledger (the entry is marked forced). Other gates still apply
 */
public record PromotionRequest(ImageReference image, String environment, String actor, String run,
        DeploymentStrategy strategy, boolean resolveTag, String overrideFreeze) {

    public PromotionRequest(ImageReference image, String environment, String actor, String run,
            DeploymentStrategy strategy, boolean resolveTag) {
        this(image, environment, actor, run, strategy, resolveTag, null);
    }

    public PromotionRequest {
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(environment, "environment");
        if (actor == null || actor.isBlank()) {
            throw EngineException.badInput("a promotion needs to know who asks for it (the actor), for the ledger");
        }
        if (overrideFreeze != null && overrideFreeze.isBlank()) {
            throw EngineException.badInput("overriding a freeze or a promotion window needs a reason, which is"
                    + " recorded in the ledger");
        }
        overrideFreeze = overrideFreeze == null ? null : overrideFreeze.strip();
    }

    /** A promotion of a pinned image with the environment's own strategy. */
    public static PromotionRequest of(ImageReference image, String environment, String actor, String run) {
        return new PromotionRequest(image, environment, actor, run, null, false);
    }

    public PromotionRequest withStrategy(DeploymentStrategy newStrategy) {
        return new PromotionRequest(image, environment, actor, run, newStrategy, resolveTag, overrideFreeze);
    }

    public PromotionRequest resolvingTag() {
        return new PromotionRequest(image, environment, actor, run, strategy, true, overrideFreeze);
    }

    /** Promotes even into a frozen environment or outside its windows; the reason goes into the ledger. */
    public PromotionRequest overridingFreeze(String reason) {
        return new PromotionRequest(image, environment, actor, run, strategy, resolveTag,
                reason == null ? "" : reason);
    }
}
