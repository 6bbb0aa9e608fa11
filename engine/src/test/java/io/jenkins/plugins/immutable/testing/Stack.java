package io.jenkins.plugins.immutable.testing;

import io.jenkins.plugins.immutable.registry.HttpProxy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.AssumptionViolatedException;

/**
 * The local stack's addresses, as {@code scripts/stack env} exports them. A test that needs a server asks here and
 * fails, never skips, when the stack is not up: CI must not go green on tests that did not run.
 */
public final class Stack {

    private Stack() {
    }

    /** The Docker engine, for example {@code unix:///.../.stack/docker/docker.sock}. */
    public static String dockerHost() {
        return require("DOCKER_HOST");
    }

    /** The plain local registry, {@code 127.0.0.1:5101} by default. */
    public static String registry() {
        return require("IMMUTABLE_REGISTRY");
    }

    /**
     * Where the plain registry ({@link #registry()}) keeps its blobs on disk: {@code docker/registry/v2/blobs/sha256/
     * <2 hex>/<hex>/data} under it. Tests write other bytes there to play a registry that lies about a digest.
     */
    public static Path registryStorage() {
        Path data = Path.of(require("STACK_DIR"), "registry", "data");
        if (!Files.isDirectory(data)) {
            throw new IllegalStateException("the stack's registry keeps no storage at " + data + "; run"
                    + " `scripts/stack up` and eval \"$(scripts/stack env)\"");
        }
        return data;
    }

    /** A second registry, for copies across registries. */
    public static String registry2() {
        return require("IMMUTABLE_REGISTRY2");
    }

    /** A registry that requires basic authentication (htpasswd). */
    public static String authRegistry() {
        return require("IMMUTABLE_AUTH_REGISTRY");
    }

    public static String authRegistryUser() {
        return require("IMMUTABLE_AUTH_REGISTRY_USER");
    }

    /** The auth registry's password, read from the file the stack wrote (so it is in no environment dump). */
    public static String authRegistryPassword() {
        Path file = Path.of(require("IMMUTABLE_AUTH_REGISTRY_PASSWORD_FILE"));
        try {
            return Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the auth registry's password from " + file
                    + "; run `scripts/stack up`", e);
        }
    }

    /** The stack's HAProxy runtime API socket (scripts/haproxy; level admin). */
    public static Path haproxySocket() {
        return Path.of(require("IMMUTABLE_HAPROXY_SOCKET"));
    }

    /** The stack's HAProxy stats frontend, {@code 127.0.0.1:5105}: Prometheus metrics at {@code /metrics}. */
    public static String haproxyStats() {
        return require("IMMUTABLE_HAPROXY_STATS");
    }

    /** The address of the stack HAProxy's frontend for {@code environment} (dev, staging, prod, test1-3). */
    public static String haproxyFrontend(String environment) {
        for (String pair : require("IMMUTABLE_HAPROXY_FRONTENDS").split(" ")) {
            if (pair.startsWith(environment + "=")) {
                return pair.substring(environment.length() + 1);
            }
        }
        throw new IllegalStateException("the stack's HAProxy has no frontend for " + environment + " (it has "
                + require("IMMUTABLE_HAPROXY_FRONTENDS") + ")");
    }

    /** The stack's Prometheus, {@code http://127.0.0.1:5107}, scraping the stack's HAProxy exporter every second. */
    public static String prometheus() {
        return require("IMMUTABLE_PROMETHEUS");
    }

    /**
     * The folder whose {@code *.json} files (Prometheus file_sd format) the stack's Prometheus scrapes as extra targets,
     * every second, without a restart (scripts/prometheus).
     */
    public static Path prometheusTargets() {
        return Path.of(require("IMMUTABLE_PROMETHEUS_TARGETS"));
    }

    /**
     * The stack's HTTP proxy (tinyproxy, {@code 127.0.0.1:5108}) with its Basic login, the password read from the file
     * the stack wrote. It proxies loopback too: the engine's own ProxySelector, unlike the JDK's default, exempts
     * nothing it is not told to.
     */
    public static HttpProxy proxy() {
        return HttpProxy.parse("http://" + require("IMMUTABLE_PROXY"), "IMMUTABLE_PROXY")
                .withCredentials(require("IMMUTABLE_PROXY_USER"), proxyPassword());
    }

    /** The proxy's password, read from the file the stack wrote (so it is in no environment dump). */
    public static String proxyPassword() {
        Path file = Path.of(require("IMMUTABLE_PROXY_PASSWORD_FILE"));
        try {
            return Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the proxy's password from " + file
                    + "; run `scripts/stack up`", e);
        }
    }

    /** tinyproxy's log: a line per request it took ({@code Request (file descriptor N): GET http://... HTTP/1.1}). */
    public static Path proxyLog() {
        return Path.of(require("IMMUTABLE_PROXY_LOG"));
    }

    /** sigstore-js's bundle check (node script), an independent verifier for the sign tests. */
    public static String sigstoreJs() {
        return require("IMMUTABLE_SIGSTORE_JS");
    }

    /** A repository name no other test run uses, so tests can share one registry. */
    public static String uniqueRepository(String prefix) {
        return prefix + "/" + Long.toString(System.nanoTime(), 36) + Long.toString((long) (Math.random() * 1e9), 36);
    }

    /**
     * One of the project's scripts ({@code scripts/<name>}), found from the working folder upwards, so that tests start
     * servers the way the stack and CI do.
     */
    public static Path script(String name) {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path script = dir.resolve("scripts").resolve(name);
            if (Files.isExecutable(script)) {
                return script;
            }
        }
        throw new IllegalStateException("cannot find scripts/" + name + " above " + Path.of("").toAbsolutePath());
    }

    /** The value of a variable the stack exports, or an error saying how to provide it. */
    public static String require(String variable) {
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
}
