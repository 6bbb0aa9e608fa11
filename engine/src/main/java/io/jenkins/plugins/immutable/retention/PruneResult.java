package io.jenkins.plugins.immutable.retention;

import java.util.List;

/**
 * What {@link Pruner#apply} did.
 *
 * @param deleted      manifests deleted now
 * @param alreadyGone  manifests of the plan that were gone already (another prune, or deleted by hand)
 */
public record PruneResult(List<Artifact> deleted, List<Artifact> alreadyGone) {

    public PruneResult {
        deleted = List.copyOf(deleted);
        alreadyGone = List.copyOf(alreadyGone);
    }
}
