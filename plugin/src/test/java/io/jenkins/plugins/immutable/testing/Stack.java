package io.jenkins.plugins.immutable.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.AssumptionViolatedException;

/**
 * The local stack's addresses, as {@code scripts/stack env} exports them (the engine's tests read the same). A test
 * that needs a server asks here and fails, never skips, when the stack is not up; except where the build says no stack
 * can run ({@code -Dimmutable.stack=unavailable}, as on ci.jenkins.io): such tests are skipped there.
 */
public final class Stack {

    private Stack() {
    }

    public static String dockerHost() {
        return require("DOCKER_HOST");
    }

    /** The plain local registry, {@code 127.0.0.1:5101}. */
    public static String registry() {
        return require("IMMUTABLE_REGISTRY");
    }

    /** The registry that requires a login (htpasswd). */
    public static String authRegistry() {
        return require("IMMUTABLE_AUTH_REGISTRY");
    }

    public static String authRegistryUser() {
        return require("IMMUTABLE_AUTH_REGISTRY_USER");
    }

    /** The auth registry's password, from the file the stack wrote. */
    public static String authRegistryPassword() {
        Path file = Path.of(require("IMMUTABLE_AUTH_REGISTRY_PASSWORD_FILE"));
        try {
            return Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the auth registry's password from " + file
                    + "; run `scripts/stack up`", e);
        }
    }

    /** The stack's HAProxy runtime API socket; its backends dev, staging, prod, test1-3 have frontends. */
    public static Path haproxySocket() {
        return Path.of(require("IMMUTABLE_HAPROXY_SOCKET"));
    }

    /** The address of the stack HAProxy's frontend for an environment. */
    public static String haproxyFrontend(String environment) {
        for (String pair : require("IMMUTABLE_HAPROXY_FRONTENDS").split(" ")) {
            if (pair.startsWith(environment + "=")) {
                return pair.substring(environment.length() + 1);
            }
        }
        throw new IllegalStateException("the stack's HAProxy has no frontend for " + environment);
    }

    /** The stack's Prometheus, scraping its HAProxy's exporter every second. */
    public static String prometheus() {
        return require("IMMUTABLE_PROMETHEUS");
    }

    /** A repository name no other test run uses. */
    public static String uniqueRepository(String prefix) {
        return prefix + "/" + Long.toString(System.nanoTime(), 36) + Long.toString((long) (Math.random() * 1e9), 36);
    }

    /** The repository's small OSV database (testdata/osv-db), from the plugin module's folder. */
    public static Path osvDatabase() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path db = dir.resolve("testdata").resolve("osv-db");
            if (Files.isDirectory(db)) {
                return db;
            }
        }
        throw new IllegalStateException("cannot find testdata/osv-db above " + Path.of("").toAbsolutePath());
    }

    /** The stack's HTTP proxy (tinyproxy), {@code host:port}; it asks for {@link #proxyUser()}'s password. */
    public static String proxy() {
        return require("IMMUTABLE_PROXY");
    }

    public static String proxyUser() {
        return require("IMMUTABLE_PROXY_USER");
    }

    public static String proxyPassword() {
        Path file = Path.of(require("IMMUTABLE_PROXY_PASSWORD_FILE"));
        try {
            return Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the proxy's password from " + file
                    + "; run `scripts/stack up`", e);
        }
    }

    /** The proxy's log, where each request it forwarded shows. */
    public static Path proxyLog() {
        return Path.of(require("IMMUTABLE_PROXY_LOG"));
    }

    public static String require(String variable) {
        if ("unavailable".equals(System.getProperty("immutable.stack"))) {
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
}
