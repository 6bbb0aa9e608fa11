package io.jenkins.plugins.immutable.config;

import io.jenkins.plugins.immutable.EngineException;
import java.io.Serializable;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Keys: the private keys the sign step may use and the public keys gates and verification trust, each by id.
 */
public record SigningConfig(List<SigningKeyConfig> keys, List<TrustedKeyConfig> trustedKeys) implements Serializable {

    private static final long serialVersionUID = 1L;

    public static final SigningConfig NONE = new SigningConfig(List.of(), List.of());

    public SigningConfig {
        keys = Text.list(keys, "keys");
        trustedKeys = Text.list(trustedKeys, "trustedKeys");
        unique(keys.stream().map(SigningKeyConfig::id).toList(), "signing key", "keys");
        unique(trustedKeys.stream().map(TrustedKeyConfig::id).toList(), "trusted key", "trustedKeys");
    }

    public Optional<SigningKeyConfig> key(String id) {
        return keys.stream().filter(k -> k.id().equals(id)).findFirst();
    }

    public Optional<TrustedKeyConfig> trustedKey(String id) {
        return trustedKeys.stream().filter(k -> k.id().equals(id)).findFirst();
    }

    private static void unique(List<String> ids, String what, String field) {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < ids.size(); i++) {
            String id = ids.get(i);
            if (!seen.add(id)) {
                throw Text.invalid(field + "[" + i + "].id", "two " + what + "s have the id '" + id + "'; give each its own id");
            }
        }
    }

    /**
     * A private key by id.
     *
     * @param credentialsId         Jenkins: file credentials holding the key; CLI: env {@code <ID>_FILE} or {@code <ID>}
     * @param passwordCredentialsId Jenkins: secret text; CLI: env {@code <ID>_PASSWORD}; null for an unencrypted key
     */
    public record SigningKeyConfig(String id, String credentialsId, String passwordCredentialsId)
            implements Serializable {

        private static final long serialVersionUID = 1L;

        public SigningKeyConfig {
            id = Text.required(id, "id", "a signing key needs an id that steps and gates refer to");
            credentialsId = Text.required(credentialsId, "credentialsId",
                    "signing key '" + id + "' needs the id of the credentials that hold it");
            passwordCredentialsId = Text.optional(passwordCredentialsId);
        }
    }

    /** A trusted public key (PEM, one or several keys) by id. */
    public record TrustedKeyConfig(String id, String publicKey) implements Serializable {

        private static final long serialVersionUID = 1L;

        public TrustedKeyConfig {
            id = Text.required(id, "id", "a trusted key needs an id that gates refer to");
            publicKey = Text.required(publicKey, "publicKey",
                    "trusted key '" + id + "' needs its public key in PEM (-----BEGIN PUBLIC KEY-----)");
            if (!publicKey.contains("-----BEGIN PUBLIC KEY-----")) {
                throw Text.invalid("publicKey", "trusted key '" + id + "' is not a PEM public key; paste the contents of"
                        + " cosign.pub (-----BEGIN PUBLIC KEY----- ...)");
            }
        }
    }
}
