package io.jenkins.plugins.immutable.ledger;

import io.jenkins.plugins.immutable.EngineException;

/** What was asked of an environment. */
public enum Action {
    /** A digest was promoted into the environment (from the previous environment, or from a build). */
    PROMOTE("promote"),
    /** The environment was returned to a digest that was live before. */
    ROLLBACK("rollback");

    private final String label;

    Action(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    public static Action ofLabel(String label) {
        for (Action a : values()) {
            if (a.label.equals(label)) {
                return a;
            }
        }
        throw EngineException.integrity("the ledger names an unknown action '" + label
                + "'; expected promote or rollback. It was written by another tool or edited by hand");
    }

    @Override
    public String toString() {
        return label;
    }
}
