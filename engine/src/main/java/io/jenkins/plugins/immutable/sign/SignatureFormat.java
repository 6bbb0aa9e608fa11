package io.jenkins.plugins.immutable.sign;

/** Where a signature is stored; an image is usually signed in both, so that every verifier finds one. */
public enum SignatureFormat {
    /** cosign's {@code sha256-<hex>.sig} tag: what skopeo/podman, Harbor and cosign before v3 read. */
    LEGACY,
    /** A Sigstore bundle as an OCI 1.1 referrer: cosign v3's default. */
    BUNDLE
}
