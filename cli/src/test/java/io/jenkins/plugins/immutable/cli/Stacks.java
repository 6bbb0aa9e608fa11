package io.jenkins.plugins.immutable.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.AssumptionViolatedException;

/** The local stack's addresses for the CLI's tests; missing ones fail the test with what to run. */
final class Stacks {

    private Stacks() {
    }

    static String require(String variable) {
        if ("unavailable".equals(System.getProperty("immutable.stack"))) {
            // where no stack can start (ci.jenkins.io): skip, rather than fail, what needs it
            throw new AssumptionViolatedException("this build runs where the local stack cannot start"
                    + " (-Dimmutable.stack=unavailable); the test needs " + variable);
        }
        String value = System.getenv(variable);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException(variable + " is not set: this test needs the local stack. Run"
                    + " `scripts/stack up && eval \"$(scripts/stack env)\"` first, or run the tests with scripts/test.");
        }
        return value;
    }

    static String registry() {
        return require("IMMUTABLE_REGISTRY");
    }

    static String unique(String prefix) {
        return prefix + "/" + Long.toString(System.nanoTime(), 36) + Long.toString((long) (Math.random() * 1e9), 36);
    }

    /** The repository's root, found upwards from the working folder. */
    static Path root() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("testdata/osv-db")) && Files.isRegularFile(dir.resolve("mvnw"))) {
                return dir;
            }
        }
        throw new IllegalStateException("cannot find the checkout's root above " + Path.of("").toAbsolutePath());
    }

    static Path osvDatabase() {
        return root().resolve("testdata/osv-db");
    }
}
