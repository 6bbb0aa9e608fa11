package io.jenkins.plugins.immutable.bake;

/**
 * Where the code in an image came from, for its OCI annotations and its provenance.
 *
 * @param repository URI of the source repository ({@code org.opencontainers.image.source}), or null
 * @param commit     the commit built ({@code org.opencontainers.image.revision}), or null
 * @param version    the version of what the image packages ({@code org.opencontainers.image.version}), or null
 */
public record Source(String repository, String commit, String version) {

    private static final Source UNKNOWN = new Source(null, null, null);

    public Source {
        repository = blankToNull(repository);
        commit = blankToNull(commit);
        version = blankToNull(version);
    }

    /** Nothing known about the source (a build outside version control). */
    public static Source unknown() {
        return UNKNOWN;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
