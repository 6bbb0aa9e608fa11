package io.jenkins.plugins.immutable.rescan;

/** Why a re-scan checks a digest for an environment. */
public enum Role {
    /** The environment runs it: failing its policy puts the environment at risk. */
    LIVE("live"),
    /** A blue-green deployment keeps it running in the idle colour, ready to take the traffic back. */
    RETAINED("retained"),
    /** A rollback could return to it: failing its policy withdraws it from rollback. */
    ROLLBACK_CANDIDATE("rollback candidate");

    private final String label;

    Role(String label) {
        this.label = label;
    }

    @Override
    public String toString() {
        return label;
    }
}
