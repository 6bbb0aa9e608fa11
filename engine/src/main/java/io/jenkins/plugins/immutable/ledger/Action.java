package io.jenkins.plugins.immutable.ledger;

import io.jenkins.plugins.immutable.EngineException;

/** What was asked of an environment. */
public enum Action {
    /** A digest was promoted into the environment (from the previous environment, or from a build). */
    PROMOTE("promote"),
    /** The environment was returned to a digest that was live before. */
    ROLLBACK("rollback"),
    /** The environment was frozen: promotions into it are refused until it is unfrozen (rollbacks stay allowed). */
    FREEZE("freeze"),
    /** The environment's freeze was lifted. */
    UNFREEZE("unfreeze"),
    /**
     * What a re-scan found in the environment: its live, retained and rollback-candidate digests against the
     * vulnerability database of the day. An observation: it changes nothing the environment may do.
     */
    RESCAN("rescan"),
    /** What a drift check found: whether what runs in the environment is what its ledger says is live. An observation. */
    DRIFT("drift");

    private final String label;

    Action(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /**
     * True for the actions that deploy a digest (promote, rollback); their entries name one. Freeze and unfreeze
     * entries name none: they change what the environment may do, not what runs in it.
     */
    public boolean changesDigest() {
        return this == PROMOTE || this == ROLLBACK;
    }

    /**
     * True for the entries that record what a check saw (a re-scan, a drift check) rather than a decision: they name
     * no digest, change nothing live, and no gate, status or rollback reads them; the metrics and the history do.
     */
    public boolean isObservation() {
        return this == RESCAN || this == DRIFT;
    }

    public static Action ofLabel(String label) {
        for (Action a : values()) {
            if (a.label.equals(label)) {
                return a;
            }
        }
        throw EngineException.integrity("the ledger names an unknown action '" + label
                + "'; expected promote, rollback, freeze, unfreeze, rescan or drift. It was written by another tool or"
                + " edited by hand, or by a newer version: upgrade the plugin or CLI if so");
    }

    @Override
    public String toString() {
        return label;
    }
}
