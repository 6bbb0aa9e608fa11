package io.jenkins.plugins.immutable.config;

import io.jenkins.plugins.immutable.EngineException;
import java.io.Serializable;

/**
 * A registry the engine talks to.
 *
 * @param host          host[:port] exactly as image references name it
 * @param credentialsId the id of its login (Jenkins: username/password credentials; CLI: environment variables), or null
 * @param insecure      plain HTTP allowed (loopback is insecure by default anyway)
 */
public record RegistryConfig(String host, String credentialsId, boolean insecure) implements Serializable {

    private static final long serialVersionUID = 1L;

    public RegistryConfig {
        host = Text.required(host, "host", "a registry needs its host[:port], for example registry.example.com:5000");
        if (host.contains("/")) {
            throw Text.invalid("host", "registry host '" + host + "' must be host[:port] only, without a scheme"
                    + " or path");
        }
        credentialsId = Text.optional(credentialsId);
    }
}
