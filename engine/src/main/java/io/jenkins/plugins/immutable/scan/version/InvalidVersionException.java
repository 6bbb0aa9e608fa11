package io.jenkins.plugins.immutable.scan.version;

/** A string that is not a version under a scheme's rules; the matcher reports the package instead of guessing. */
public class InvalidVersionException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    public InvalidVersionException(String scheme, String version, String why) {
        super("'" + version + "' is not a valid " + scheme + " version: " + why);
    }
}
