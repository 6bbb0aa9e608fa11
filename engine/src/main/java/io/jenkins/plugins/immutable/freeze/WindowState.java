package io.jenkins.plugins.immutable.freeze;

import java.time.Instant;

/**
 * Whether promotions are allowed at a moment by an environment's {@link PromotionWindows}.
 *
 * @param open     true when promotions are allowed
 * @param why      one sentence: the window it is in, or why it is closed (outside every allowed window, or inside a
 *                 denied one)
 * @param nextOpen when closed, the next moment it opens; null when open, or when it does not open in the next 14 days
 */
public record WindowState(boolean open, String why, Instant nextOpen) {
}
