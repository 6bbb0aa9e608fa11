package io.jenkins.plugins.immutable.promote;

/**
 * A condition a digest must meet to enter an environment. Gates only look; they change nothing, so that running them
 * again (on a retry, after a restart) is harmless.
 */
public interface Gate {

    /** A short name for logs and the ledger: {@code signed}, {@code scanned}, {@code previous-environment}. */
    String name();

    /**
     * Checks the candidate. A refusal's message names what is missing and what to do about it; an outage (the
     * registry cannot be reached) is thrown as an {@link io.jenkins.plugins.immutable.EngineException}, not refused.
     */
    GateResult check(GateContext context);
}
