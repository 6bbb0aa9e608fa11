package io.jenkins.plugins.immutable.cli;

import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.config.CredentialResolver;
import io.jenkins.plugins.immutable.config.SigningConfig;
import io.jenkins.plugins.immutable.registry.RegistryCredentials;
import io.jenkins.plugins.immutable.sign.SigningKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;

/**
 * The command line's credentials: environment variables named after the configuration's ids (docs/configuration.md).
 * A registry login {@code registry-prod} is {@code REGISTRY_PROD_USERNAME} and {@code REGISTRY_PROD_PASSWORD}; a
 * signing key {@code release-key} is the file {@code RELEASE_KEY_FILE} names or the PEM in {@code RELEASE_KEY}, its
 * password {@code RELEASE_KEY_PASSWORD} (or the variable its {@code passwordCredentialsId} names, or
 * {@code COSIGN_PASSWORD}). Flags never carry secrets: they end up in shell histories and process lists.
 */
final class EnvironmentCredentials implements CredentialResolver {

    /** cosign's own variable for a key's password, honoured as the last resort. */
    static final String COSIGN_PASSWORD = "COSIGN_PASSWORD";

    private final Map<String, String> env;
    private final Path workingDirectory;

    EnvironmentCredentials(Map<String, String> env, Path workingDirectory) {
        this.env = env;
        this.workingDirectory = workingDirectory;
    }

    /** {@code registry-prod} becomes {@code REGISTRY_PROD}: upper-cased, every non-alphanumeric an underscore. */
    static String variable(String id) {
        StringBuilder s = new StringBuilder();
        for (char c : id.toCharArray()) {
            s.append(Character.isLetterOrDigit(c) && c < 128 ? Character.toUpperCase(c) : '_');
        }
        return s.toString().toUpperCase(Locale.ROOT);
    }

    @Override
    public RegistryCredentials registry(String host, String credentialsId) {
        if (credentialsId == null) {
            return null;
        }
        String prefix = variable(credentialsId);
        String user = value(prefix + "_USERNAME");
        String password = value(prefix + "_PASSWORD");
        if (user == null && password == null) {
            // docs/configuration.md: then ~/.docker/config.json, which the registry client reads itself
            return null;
        }
        if (user == null || password == null) {
            throw EngineException.badInput("the login '" + credentialsId + "' for " + host + " needs both "
                    + prefix + "_USERNAME and " + prefix + "_PASSWORD; only " + (user == null ? prefix + "_PASSWORD"
                    : prefix + "_USERNAME") + " is set");
        }
        // Messages name the variables: a user name that looks like a password (set in the wrong one) is not shown.
        return RegistryCredentials.basic(user, password).withSource("the environment variables " + prefix
                + "_USERNAME and " + prefix + "_PASSWORD");
    }

    @Override
    public SigningKey signingKey(SigningConfig.SigningKeyConfig key) {
        String prefix = variable(key.credentialsId());
        String pem;
        String source;
        String file = value(prefix + "_FILE");
        if (file != null) {
            Path path = workingDirectory.resolve(file);
            source = path.toString();
            pem = read(path, prefix + "_FILE");
        } else {
            pem = value(prefix);
            source = "the key in " + prefix;
            if (pem == null) {
                throw EngineException.badInput("signing key '" + key.id() + "' is read from " + prefix + "_FILE (a path"
                        + " to a cosign key) or " + prefix + " (the PEM itself), and neither is set");
            }
        }
        char[] password = password(key, pem, source);
        try {
            return SigningKey.fromPem(pem, password, source);
        } finally {
            Arrays.fill(password, '\0');
        }
    }

    /** The password of an encrypted key: the configured variable, {@code <ID>_PASSWORD}, then COSIGN_PASSWORD. */
    private char[] password(SigningConfig.SigningKeyConfig key, String pem, String source) {
        String named = key.passwordCredentialsId() != null ? variable(key.passwordCredentialsId())
                : variable(key.credentialsId()) + "_PASSWORD";
        String password = value(named);
        if (password == null) {
            password = env.get(COSIGN_PASSWORD);
        }
        if (password == null) {
            if (pem.contains("ENCRYPTED")) {
                throw EngineException.badInput(source + " is encrypted: set its password in " + named + " (or "
                        + COSIGN_PASSWORD + ")");
            }
            return new char[0];
        }
        return password.toCharArray();
    }

    private String value(String name) {
        String v = env.get(name);
        return v == null || v.isEmpty() ? null : v;
    }

    private static String read(Path path, String variable) {
        try {
            return Files.readString(path, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw EngineException.badInput(variable + " names " + path + ", which does not exist; point it at the"
                    + " private key file (cosign.key)");
        } catch (IOException e) {
            throw EngineException.badInput("cannot read the key file " + path + " that " + variable + " names: "
                    + e.getMessage());
        }
    }
}
