package io.jenkins.plugins.immutable.rescan;

import io.jenkins.plugins.immutable.image.Repository;
import java.util.Objects;

/** One environment's use of a digest: where it keeps it and why the re-scan checks it. */
public record Use(String environment, Repository repository, Role role) {

    public Use {
        Objects.requireNonNull(environment, "environment");
        Objects.requireNonNull(repository, "repository");
        Objects.requireNonNull(role, "role");
    }

    @Override
    public String toString() {
        return role + " in " + environment;
    }
}
