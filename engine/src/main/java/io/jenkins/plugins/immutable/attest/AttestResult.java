package io.jenkins.plugins.immutable.attest;

import io.jenkins.plugins.immutable.image.ImageReference;

/**
 * What attesting stored.
 *
 * @param image the attested image, pinned
 * @param predicateType the statement's predicate type
 * @param attestationTag the {@code sha256-<hex>.att} manifest written, or null when the legacy layout was not asked for
 * @param bundle the bundle referrer written, or null when no bundle was asked for
 */
public record AttestResult(ImageReference image, String predicateType, ImageReference attestationTag,
        ImageReference bundle) {
}
