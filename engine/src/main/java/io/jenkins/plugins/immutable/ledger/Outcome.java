package io.jenkins.plugins.immutable.ledger;

import io.jenkins.plugins.immutable.EngineException;

/** How a change to an environment ended; decides which digest is live afterwards. */
public enum Outcome {
    /** The digest was deployed and is live. */
    DEPLOYED("deployed"),
    /** The environment was rolled back to the digest, which is live again. */
    ROLLED_BACK("rolled-back"),
    /** Deploying the digest failed; the digest that was live before it still is (the strategy restored it). */
    FAILED("failed"),
    /** A freeze or unfreeze was recorded; nothing was deployed, the live digest is unchanged. */
    RECORDED("recorded");

    private final String label;

    Outcome(String label) {
        this.label = label;
    }

    /** The form written in the ledger's JSON. */
    public String label() {
        return label;
    }

    /** True when, after this outcome, the entry's digest is the live one. */
    public boolean makesLive() {
        return this == DEPLOYED || this == ROLLED_BACK;
    }

    public static Outcome ofLabel(String label) {
        for (Outcome o : values()) {
            if (o.label.equals(label)) {
                return o;
            }
        }
        throw EngineException.integrity("the ledger names an unknown outcome '" + label
                + "'; expected deployed, rolled-back, failed or recorded. It was written by another tool or edited by hand");
    }

    @Override
    public String toString() {
        return label;
    }
}
