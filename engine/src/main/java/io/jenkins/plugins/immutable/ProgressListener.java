package io.jenkins.plugins.immutable;

/**
 * Where the engine reports what it is doing, line by line, so Jenkins' console and the CLI show progress as it
 * happens. Implementations must be thread-safe: blob uploads and scans report from several threads.
 */
public interface ProgressListener {

    /** Does nothing; for callers that do not watch. */
    ProgressListener NONE = line -> { };

    /** One human-readable line, without a trailing newline. Never given a secret. */
    void line(String line);

    /**
     * Progress of a long transfer or scan; {@code total} is -1 when unknown. The default prints nothing, so that a
     * plain log is not flooded; terminals draw a bar from it.
     */
    default void progress(String task, long done, long total) {
    }
}
