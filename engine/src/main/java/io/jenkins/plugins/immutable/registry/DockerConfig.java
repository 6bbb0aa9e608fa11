package io.jenkins.plugins.immutable.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jenkins.plugins.immutable.EngineException;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Credentials as {@code docker login} leaves them in {@code config.json}: a credential helper per registry
 * ({@code credHelpers}), a default store ({@code credsStore}), or inline {@code auths} entries. Helpers are run as
 * Docker runs them, {@code docker-credential-<name> get} with the server on standard input; their answers are
 * cached for the life of the client. Thread-safe.
 */
final class DockerConfig {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String HUB_SERVER = "https://index.docker.io/v1/";

    private final Path file;
    private final Map<String, JsonNode> auths;
    private final Map<String, String> helpers;
    private final String store;
    private final List<Path> helperPath;
    private final Map<String, Optional<RegistryCredentials>> cache = new ConcurrentHashMap<>();

    private DockerConfig(Path file, Map<String, JsonNode> auths, Map<String, String> helpers, String store,
                         List<Path> helperPath) {
        this.file = file;
        this.auths = auths;
        this.helpers = helpers;
        this.store = store;
        this.helperPath = helperPath;
    }

    /** Docker's own location: {@code $DOCKER_CONFIG/config.json}, else {@code ~/.docker/config.json}. */
    static Path defaultLocation() {
        String dir = System.getenv("DOCKER_CONFIG");
        return dir != null && !dir.isBlank() ? Path.of(dir, "config.json")
                : Path.of(System.getProperty("user.home"), ".docker", "config.json");
    }

    /** The directories of PATH, where Docker looks for credential helpers. */
    static List<Path> systemPath() {
        List<Path> dirs = new ArrayList<>();
        String path = System.getenv("PATH");
        if (path != null) {
            for (String d : path.split(File.pathSeparator)) {
                if (!d.isEmpty()) {
                    dirs.add(Path.of(d));
                }
            }
        }
        return dirs;
    }

    /** Reads the file; a missing file means no credentials, a broken one is an error that names it. */
    static DockerConfig load(Path file, List<Path> helperPath) {
        Map<String, JsonNode> auths = new ConcurrentHashMap<>();
        Map<String, String> helpers = new ConcurrentHashMap<>();
        String store = null;
        if (Files.isRegularFile(file)) {
            JsonNode root;
            try {
                root = JSON.readTree(Files.readAllBytes(file));
            } catch (IOException e) {
                // Jackson's message may quote the file's content, which holds secrets: say only where.
                throw EngineException.badInput("the Docker config " + file + " is not valid JSON; fix or remove it");
            }
            if (root != null && root.isObject()) {
                root.path("auths").properties().forEach(e -> auths.put(normalise(e.getKey()), e.getValue()));
                root.path("credHelpers").properties().forEach(e -> helpers.put(normalise(e.getKey()),
                        e.getValue().asText()));
                store = root.path("credsStore").asText(null);
                if (store != null && store.isBlank()) {
                    store = null;
                }
            }
        }
        return new DockerConfig(file, auths, helpers, store, List.copyOf(helperPath));
    }

    /** {@code https://index.docker.io/v1/} and {@code http://host:5000/v2} both name a registry by its host. */
    static String normalise(String server) {
        String s = server.trim();
        int scheme = s.indexOf("://");
        if (scheme >= 0) {
            s = s.substring(scheme + 3);
        }
        int slash = s.indexOf('/');
        if (slash >= 0) {
            s = s.substring(0, slash);
        }
        s = s.toLowerCase(Locale.ROOT);
        return s.equals("index.docker.io") || s.equals("registry-1.docker.io") ? "docker.io" : s;
    }

    /** The credentials Docker would use for this registry, if any. */
    Optional<RegistryCredentials> lookup(String registry) {
        return cache.computeIfAbsent(registry.toLowerCase(Locale.ROOT), this::resolve);
    }

    private Optional<RegistryCredentials> resolve(String registry) {
        String helper = helpers.get(registry);
        if (helper != null) {
            return runHelper(helper, registry);
        }
        if (store != null) {
            Optional<RegistryCredentials> stored = runHelper(store, registry);
            if (stored.isPresent()) {
                return stored;
            }
        }
        JsonNode entry = auths.get(registry);
        if (entry == null) {
            return Optional.empty();
        }
        String identity = entry.path("identitytoken").asText("");
        String registryToken = entry.path("registrytoken").asText("");
        String user = entry.path("username").asText("");
        String password = entry.path("password").asText("");
        String auth = entry.path("auth").asText("");
        if (!auth.isEmpty()) {
            String decoded;
            try {
                decoded = new String(Base64.getDecoder().decode(auth), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw EngineException.badInput("the 'auth' of " + registry + " in " + file + " is not base64; run"
                        + " `docker login " + registry + "` again");
            }
            int colon = decoded.indexOf(':');
            if (colon < 0) {
                throw EngineException.badInput("the 'auth' of " + registry + " in " + file + " is not user:password;"
                        + " run `docker login " + registry + "` again");
            }
            user = decoded.substring(0, colon);
            password = decoded.substring(colon + 1);
        }
        String from = "the auths entry for " + registry + " in " + file;
        if (!registryToken.isEmpty()) {
            return Optional.of(RegistryCredentials.bearerToken(registryToken).withSource(from));
        }
        if (!identity.isEmpty()) {
            return Optional.of(RegistryCredentials.identityToken(user.isEmpty() ? null : user, identity)
                    .withSource(from));
        }
        if (!user.isEmpty() && !password.isEmpty()) {
            return Optional.of(RegistryCredentials.basic(user, password).withSource(from));
        }
        return Optional.empty();
    }

    private Optional<RegistryCredentials> runHelper(String name, String registry) {
        String program = "docker-credential-" + name;
        Path executable = helperPath.stream().map(d -> d.resolve(program)).filter(Files::isExecutable).findFirst()
                .orElseThrow(() -> EngineException.badInput(file + " names the credential helper '" + name + "' for "
                        + registry + ", but " + program + " is not on the PATH; install it or remove it from the config"));
        String server = registry.equals("docker.io") ? HUB_SERVER : registry;
        try {
            Process p = new ProcessBuilder(executable.toString(), "get").redirectErrorStream(true).start();
            try (OutputStream in = p.getOutputStream()) {
                in.write(server.getBytes(StandardCharsets.UTF_8));
            }
            byte[] out;
            try (InputStream stdout = p.getInputStream()) {
                out = stdout.readNBytes(64 * 1024);
            }
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw EngineException.outage("the credential helper " + program + " did not answer for " + registry
                        + " within 30 s", null);
            }
            if (p.exitValue() != 0) {
                String said = new String(out, StandardCharsets.UTF_8);
                if (said.toLowerCase(Locale.ROOT).contains("credentials not found")) {
                    return Optional.empty();
                }
                // What a helper prints on failure is its own message, not the secret; still, show only its start.
                throw EngineException.badInput("the credential helper " + program + " failed for " + registry
                        + " (exit " + p.exitValue() + ": " + firstLine(said) + "); check it, e.g. `echo " + server
                        + " | " + program + " get`");
            }
            JsonNode json = JSON.readTree(out);
            String user = json.path("Username").asText("");
            String secret = json.path("Secret").asText("");
            if (secret.isEmpty()) {
                return Optional.empty();
            }
            if (user.equals("<token>")) {
                return Optional.of(RegistryCredentials.identityToken(null, secret).withSource("the credential"
                        + " helper " + program));
            }
            return Optional.of(RegistryCredentials.basic(user, secret).withSource("the credential helper " + program));
        } catch (IOException e) {
            throw EngineException.badInput("the credential helper " + program + " could not be run for " + registry
                    + " (" + e.getClass().getSimpleName() + "); check that it works: `echo " + server + " | " + program
                    + " get`");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw EngineException.outage("interrupted while asking " + program + " for credentials", e);
        }
    }

    private static String firstLine(String s) {
        String line = s.strip().lines().findFirst().orElse("");
        return line.length() > 120 ? line.substring(0, 120) + "..." : line;
    }
}
