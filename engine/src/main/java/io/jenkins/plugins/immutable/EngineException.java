package io.jenkins.plugins.immutable;

import java.util.Objects;

/**
 * A failure the engine explains to the person who runs it: what went wrong and what to do. Its {@link Kind} lets the
 * CLI choose an exit code and the plugin choose a build result without parsing messages. Messages never carry
 * secrets.
 */
public class EngineException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Why the operation stopped; each kind maps to one CLI exit code and one build result. */
    public enum Kind {
        /** The input is wrong (a reference, a configuration, a file); fixing the input fixes it. */
        BAD_INPUT(2),
        /** A gate refused a promotion or a rollback (unsigned, unscanned, skipped an environment). */
        REFUSED(3),
        /** Canary analysis judged the new version worse than the baseline; it was rolled back. */
        ANALYSIS_FAILED(4),
        /** A server could not be reached or kept failing after retries; trying again later may work. */
        OUTAGE(5),
        /** Something is not what it claims to be: a digest mismatch, a bad signature, a broken ledger chain. */
        INTEGRITY(6);

        private final int exitCode;

        Kind(int exitCode) {
            this.exitCode = exitCode;
        }

        public int exitCode() {
            return exitCode;
        }
    }

    private final Kind kind;

    public EngineException(Kind kind, String message) {
        super(message);
        this.kind = Objects.requireNonNull(kind, "kind");
    }

    public EngineException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = Objects.requireNonNull(kind, "kind");
    }

    public Kind kind() {
        return kind;
    }

    public static EngineException badInput(String message) {
        return new EngineException(Kind.BAD_INPUT, message);
    }

    public static EngineException refused(String message) {
        return new EngineException(Kind.REFUSED, message);
    }

    public static EngineException outage(String message, Throwable cause) {
        return new EngineException(Kind.OUTAGE, message, cause);
    }

    public static EngineException integrity(String message) {
        return new EngineException(Kind.INTEGRITY, message);
    }
}
