package io.jenkins.plugins.immutable.promote;

import io.jenkins.plugins.immutable.ProgressListener;
import io.jenkins.plugins.immutable.image.Digest;
import io.jenkins.plugins.immutable.image.ImageReference;
import io.jenkins.plugins.immutable.ledger.Action;
import io.jenkins.plugins.immutable.ledger.LedgerHistory;
import java.util.Objects;

/**
 * What a gate looks at: the candidate digest, where it comes from, and the environments' verified ledgers.
 *
 * @param action          promotion or rollback
 * @param image           the candidate, pinned: in the previous environment's (or the build's) repository for a
 *                        promotion, in the environment's own repository for a rollback
 * @param environment     the environment the digest is to enter
 * @param previous        the environment before it in the promotion order, or null when it is the first
 * @param history         the environment's ledger
 * @param previousHistory the previous environment's ledger, or null when there is no previous environment
 * @param actor           who asks
 * @param listener        where gates report what they check
 */
public record GateContext(Action action, ImageReference image, Environment environment, Environment previous,
        LedgerHistory history, LedgerHistory previousHistory, String actor, ProgressListener listener) {

    public GateContext {
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(image, "image");
        if (!image.isPinned()) {
            throw new IllegalArgumentException("gates check pinned references only, not " + image);
        }
        Objects.requireNonNull(environment, "environment");
        Objects.requireNonNull(history, "history");
        listener = listener == null ? ProgressListener.NONE : listener;
    }

    public Digest digest() {
        return image.digest();
    }
}
