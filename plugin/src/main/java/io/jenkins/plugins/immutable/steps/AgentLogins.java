package io.jenkins.plugins.immutable.steps;

import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.config.CredentialResolver;
import io.jenkins.plugins.immutable.config.SigningConfig;
import io.jenkins.plugins.immutable.config.Wiring;
import io.jenkins.plugins.immutable.registry.RegistryCredentials;
import io.jenkins.plugins.immutable.sign.SigningKey;
import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The registry logins an agent needs to bake or scan, looked up on the controller in the run's context (so their use
 * is tracked there) and sent with the work over the agent's channel. Signing keys are not among them: they are used
 * on the controller only. Never printed ({@link #toString()} names hosts only).
 */
final class AgentLogins implements CredentialResolver, Serializable {

    private static final long serialVersionUID = 1L;

    private final Map<String, Login> logins;

    private AgentLogins(Map<String, Login> logins) {
        this.logins = logins;
    }

    /** Every configured registry login, resolved through the controller's wiring. */
    static AgentLogins of(Wiring controller) {
        Map<String, Login> logins = new LinkedHashMap<>();
        controller.registryCredentials().forEach((host, c) -> logins.put(host, new Login(c.kind(), c.username(),
                c.secret(), c.source())));
        return new AgentLogins(logins);
    }

    @Override
    public RegistryCredentials registry(String host, String credentialsId) {
        Login l = logins.get(host);
        return l == null ? null : new RegistryCredentials(l.kind, l.username, l.secret, l.source);
    }

    @Override
    public SigningKey signingKey(SigningConfig.SigningKeyConfig key) {
        throw EngineException.badInput("signing key '" + key.id() + "' is used on the controller only; sign with"
                + " signImage (or scanImage attest: true), not on an agent");
    }

    @Override
    public String toString() {
        return "logins for " + logins.keySet();
    }

    /** A login as it travels; {@code source} names where it came from (a credentials id), for messages. */
    private record Login(RegistryCredentials.Kind kind, String username, String secret, String source)
            implements Serializable {

        private static final long serialVersionUID = 1L;

        @Override
        public String toString() {
            return kind + " login";
        }
    }
}
