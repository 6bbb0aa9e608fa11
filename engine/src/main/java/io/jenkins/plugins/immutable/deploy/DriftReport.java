package io.jenkins.plugins.immutable.deploy;

import io.jenkins.plugins.immutable.image.Digest;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Every difference between what runs in an environment and what the ledger says should.
 *
 * @param environment the environment checked
 * @param expected    the digest that should run
 * @param differences what differs; empty when the environment runs exactly what it should
 */
public record DriftReport(String environment, Digest expected, List<Difference> differences) {

    /** The kinds of difference. */
    public enum Kind {
        /** An instance runs another digest than the ledger's. */
        WRONG_DIGEST,
        /** An instance with the environment's name was not started by the engine (made or replaced by hand). */
        UNMANAGED,
        /** An instance the engine started runs another image than the one it was started with. */
        SWAPPED,
        /** An instance exists but does not run. */
        NOT_RUNNING,
        /** Something of a finished deployment is still there (a baseline). */
        LEFTOVER,
        /** Not as many instances run the ledger's digest as should. */
        COUNT,
        /** The router sends traffic somewhere other than the engine's instances of the ledger's digest. */
        ROUTED_ELSEWHERE,
        /** A deployment is under way or was interrupted; differences are expected until it finishes. */
        DEPLOYMENT_UNFINISHED
    }

    /**
     * One difference.
     *
     * @param kind    what kind
     * @param subject the instance, router server or environment concerned
     * @param detail  what differs, in a sentence
     */
    public record Difference(Kind kind, String subject, String detail) {
        @Override
        public String toString() {
            return subject + " " + detail;
        }
    }

    public DriftReport {
        differences = List.copyOf(differences);
    }

    public boolean isClean() {
        return differences.isEmpty();
    }

    /** One line per difference, for logs and the CLI. */
    public String summary() {
        if (isClean()) {
            return environment + " runs " + expected.shortForm() + " as the ledger says";
        }
        return environment + " drifted from " + expected.shortForm() + " (" + differences.size() + " differences):\n"
                + differences.stream().map(d -> "  - " + d).collect(Collectors.joining("\n"));
    }
}
