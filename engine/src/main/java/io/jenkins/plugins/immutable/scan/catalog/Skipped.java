package io.jenkins.plugins.immutable.scan.catalog;

import java.io.Serializable;
import java.util.Objects;

/**
 * Something in the image the scan did not read, so packages in it may be missing from the report: a package database
 * over its size limit, an archive nested too deep, a file that could not be parsed. A scan with any of these is
 * incomplete, and an incomplete scan does not pass a policy unless the policy accepts it.
 *
 * @param location the file (and archive path inside it, {@code app.jar!/BOOT-INF/lib/x.jar}) that was not read
 * @param reason why, in a phrase ({@code nested more than 4 archives deep})
 */
public record Skipped(String location, String reason) implements Serializable {

    private static final long serialVersionUID = 1L;

    public Skipped {
        Objects.requireNonNull(location, "location");
        Objects.requireNonNull(reason, "reason");
    }

    @Override
    public String toString() {
        return location + ": " + reason;
    }
}
