package io.jenkins.plugins.immutable.ledger;

import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.image.Digest;
import java.util.List;
import java.util.Objects;

/**
 * The result of checking an environment's ledger: intact, or broken with every problem found.
 *
 * @param environment       the environment
 * @param location          where the ledger lives, for messages ({@code registry/repository:ledger-prod})
 * @param version           the ledger version checked (its manifest digest), or null when there is no ledger yet
 * @param problems          what is wrong, one sentence each; empty when intact
 * @param lastIntactVersion the newest earlier version found intact, to restore the ledger tag to; null if unknown
 * @param signedWith        the id of the ledger key whose signature over the head verified; null when the ledger has
 *                          no key (its signatures are not checked) or is empty
 */
public record LedgerVerification(String environment, String location, Digest version, List<String> problems,
        Digest lastIntactVersion, String signedWith) {

    public LedgerVerification {
        Objects.requireNonNull(environment, "environment");
        problems = List.copyOf(problems);
    }

    /** The result of checking a ledger whose signatures are not checked (no ledger key). */
    public LedgerVerification(String environment, String location, Digest version, List<String> problems,
            Digest lastIntactVersion) {
        this(environment, location, version, problems, lastIntactVersion, null);
    }

    public boolean intact() {
        return problems.isEmpty();
    }

    /** A paragraph for people: the verdict, each problem, and what to do. */
    public String describe() {
        if (intact()) {
            return "The ledger of " + environment + " (" + location + (version == null ? ", empty" : " @ " + version)
                    + ") is intact" + (signedWith == null ? "." : ", its head signed with the ledger key '"
                    + signedWith + "'.");
        }
        StringBuilder b = new StringBuilder("The ledger of ").append(environment).append(" (").append(location)
                .append(" @ ").append(version).append(") is BROKEN and cannot be trusted as it is:");
        for (String p : problems) {
            b.append("\n  - ").append(p);
        }
        b.append("\nNothing was changed. Find out who wrote it (the registry's logs), then ");
        if (lastIntactVersion != null) {
            b.append("point the tag back at the last intact version ").append(lastIntactVersion)
                    .append(" (a manifest PUT of that version under the ledger tag), and check the environment's"
                            + " running digests against it.");
        } else {
            b.append("restore the ledger tag from a known-good copy of the ledger.");
        }
        return b.toString();
    }

    /** Throws an {@link EngineException.Kind#INTEGRITY} error describing the problems when the ledger is broken. */
    public LedgerVerification orThrow() {
        if (!intact()) {
            throw EngineException.integrity(describe());
        }
        return this;
    }
}
