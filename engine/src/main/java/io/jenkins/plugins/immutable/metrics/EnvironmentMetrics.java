package io.jenkins.plugins.immutable.metrics;

import io.jenkins.plugins.immutable.image.Digest;

/**
 * One environment's figures over the window and what is live there now.
 *
 * @param environment   the environment
 * @param repository    its repository (its ledger is the tag {@code ledger-<environment>} there)
 * @param entries       how many entries its whole ledger holds
 * @param ledgerVersion the ledger version the figures were computed from, or null when it has no ledger yet
 * @param figures       the window's figures
 * @param live          what is live now, or null when nothing is
 */
public record EnvironmentMetrics(String environment, String repository, int entries, Digest ledgerVersion,
        Figures figures, LiveImage live) {
}
