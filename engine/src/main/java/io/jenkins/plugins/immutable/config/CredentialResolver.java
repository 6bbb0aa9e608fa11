package io.jenkins.plugins.immutable.config;

import io.jenkins.plugins.immutable.registry.RegistryCredentials;
import io.jenkins.plugins.immutable.sign.SigningKey;

/**
 * Turns the ids the configuration holds into secrets, at the moment they are needed. Jenkins resolves them from its
 * credentials store in the run's context (tracking their use); the CLI from environment variables and the Docker
 * configuration. Implementations never log what they return.
 */
public interface CredentialResolver {

    /** The login for {@code host} named by {@code credentialsId} (null: none configured; anonymous or Docker config). */
    RegistryCredentials registry(String host, String credentialsId);

    /** Opens the signing key; the caller closes it as soon as it has signed. */
    SigningKey signingKey(SigningConfig.SigningKeyConfig key);
}
