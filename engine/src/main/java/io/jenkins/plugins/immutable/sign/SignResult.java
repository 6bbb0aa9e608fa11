package io.jenkins.plugins.immutable.sign;

import io.jenkins.plugins.immutable.image.ImageReference;

/**
 * What signing stored.
 *
 * @param image the signed image, pinned to its digest
 * @param key the public key that verifies the signature
 * @param signatureTag the {@code sha256-<hex>.sig} manifest written, or null when the legacy layout was not asked for
 * @param bundle the bundle referrer manifest written, or null when no bundle was asked for
 */
public record SignResult(ImageReference image, VerificationKey key, ImageReference signatureTag, ImageReference bundle) {
}
