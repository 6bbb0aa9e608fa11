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
 */
public record PromotionRequest(ImageReference image, String environment, String actor, String run,
        DeploymentStrategy strategy, boolean resolveTag) {

    public PromotionRequest {
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(environment, "environment");
        if (actor == null || actor.isBlank()) {
            throw EngineException.badInput("a promotion needs to know who asks for it (the actor), for the ledger");
        }
    }

    /** A promotion of a pinned image with the environment's own strategy. */
    public static PromotionRequest of(ImageReference image, String environment, String actor, String run) {
        return new PromotionRequest(image, environment, actor, run, null, false);
    }

    public PromotionRequest withStrategy(DeploymentStrategy newStrategy) {
        return new PromotionRequest(image, environment, actor, run, newStrategy, resolveTag);
    }

    public PromotionRequest resolvingTag() {
        return new PromotionRequest(image, environment, actor, run, strategy, true);
    }
}
