/**
 * The ledger: the one source of truth of which digest is live in which environment, kept in the registry beside the
 * images so that Jenkins, the CLI and anyone with registry access read the same history.
 *
 * <p>Per environment, in the environment's repository: the environment's tag (for example {@code prod}) points at the
 * live digest, and the tag {@code ledger-<environment>} holds the ledger artifact, an OCI manifest of artifact type
 * {@link io.jenkins.plugins.immutable.ledger.LedgerFormat#MEDIA_TYPE} whose one layer is the JSON history. Every
 * entry carries the hash of the entry before it and the digest of the ledger version it was appended to, so that a
 * rewritten or lost entry is detected and reported, never silently accepted.
 */
package io.jenkins.plugins.immutable.ledger;
