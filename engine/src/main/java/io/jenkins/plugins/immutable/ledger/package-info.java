/**
 * The ledger: the one source of truth of which digest is live in which environment, kept in the registry beside the
 * images so that Jenkins, the CLI and anyone with registry access read the same history.
 *
 * <p>Per environment, in the environment's repository: the environment's tag (for example {@code prod}) points at the
 * live digest, and the tag {@code ledger-<environment>} holds the ledger artifact, an OCI manifest of artifact type
 * {@link io.jenkins.plugins.immutable.ledger.LedgerFormat#MEDIA_TYPE} whose one layer is the JSON history. Every
 * entry carries the hash of the entry before it and the digest of the ledger version it was appended to, so that a
 * rewritten or lost entry is detected and reported, never silently accepted. Where the environment has a
 * {@link io.jenkins.plugins.immutable.ledger.LedgerKey}, every version is signed with it ({@link
 * io.jenkins.plugins.immutable.ledger.LedgerSignature}), so that only the key's holders can write a version readers
 * accept.
 *
 * <p>Most entries are decisions (a promotion, a rollback, a freeze); observation entries ({@link
 * io.jenkins.plugins.immutable.ledger.Observation}: a re-scan's result, a drift check's finding) are evidence, recorded
 * when they change ({@link io.jenkins.plugins.immutable.ledger.Ledger#observe}), and change nothing the environment may
 * do.
 */
package io.jenkins.plugins.immutable.ledger;
