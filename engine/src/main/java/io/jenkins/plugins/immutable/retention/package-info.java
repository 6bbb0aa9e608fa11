/**
 * Retention: which tags and manifests of the environments' repositories may be deleted, and deleting them. The rules
 * keep every digest an environment could need again (live, under deployment, among its last known-good digests, named
 * by a recent ledger entry, or not yet dated) and the signatures and attestations of each; everything else is planned
 * for deletion, and deleted only when asked. It reads the verified ledgers and the registry; it knows nothing of the
 * configuration, so that the CLI and the plugin hand it the same policy.
 */
package io.jenkins.plugins.immutable.retention;
