package io.jenkins.plugins.immutable.deploy;

/** Where a deployment stands, as the journal records it. */
public enum Phase {
    /** Moving through its stages; it owns the environment's traffic until it finishes or rolls back. */
    RUNNING,
    /**
     * All traffic is on the new digest; the previous colour is kept warm, without traffic, until its retention ends,
     * so a rollback is a traffic switch.
     */
    RETAINING,
    /** Returning to what ran before; it owns the traffic until that is reached. */
    ROLLING_BACK,
    /** The new digest runs alone. */
    SUCCEEDED,
    /** What ran before runs alone again. */
    ROLLED_BACK;

    /** Whether nothing more will happen without a new request (a deploy or a rollback). */
    public boolean isFinished() {
        return this == SUCCEEDED || this == ROLLED_BACK;
    }

    /** Whether a process must resume it before anything else happens to the environment. */
    public boolean isUnfinished() {
        return this == RUNNING || this == ROLLING_BACK;
    }
}
