package io.jenkins.plugins.immutable.testing;

import io.jenkins.plugins.immutable.config.CredentialResolver;
import io.jenkins.plugins.immutable.config.SigningConfig;
import io.jenkins.plugins.immutable.registry.RegistryCredentials;
import io.jenkins.plugins.immutable.sign.SigningKey;

/** A resolver with no secrets at all: registries anonymous, and a test fails if a signing key is asked for. */
public final class NoCredentials implements CredentialResolver {

    @Override
    public RegistryCredentials registry(String host, String credentialsId) {
        return null;
    }

    @Override
    public SigningKey signingKey(SigningConfig.SigningKeyConfig key) {
        throw new AssertionError("a signing key was asked for (" + key.id() + "), where none should be needed");
    }
}
