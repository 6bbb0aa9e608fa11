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
    UNFREEZE("unfreeze");

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

    public static Action ofLabel(String label) {
        for (Action a : values()) {
            if (a.label.equals(label)) {
                return a;
            }
        }
        throw EngineException.integrity("the ledger names an unknown action '" + label
                + "'; expected promote, rollback, freeze or unfreeze. It was written by another tool or edited by hand");
    }

    @Override
    public String toString() {
        return label;
    }
}
