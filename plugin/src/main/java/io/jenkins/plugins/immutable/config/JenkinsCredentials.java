package io.jenkins.plugins.immutable.config;

import com.cloudbees.plugins.credentials.CredentialsMatchers;
import com.cloudbees.plugins.credentials.CredentialsProvider;
import com.cloudbees.plugins.credentials.common.IdCredentials;
import com.cloudbees.plugins.credentials.common.StandardUsernamePasswordCredentials;
import hudson.model.Item;
import hudson.model.Run;
import hudson.security.ACL;
import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.registry.RegistryCredentials;
import io.jenkins.plugins.immutable.sign.SigningKey;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import jenkins.model.Jenkins;
import org.jenkinsci.plugins.plaincredentials.FileCredentials;
import org.jenkinsci.plugins.plaincredentials.StringCredentials;

/**
 * The engine's {@link CredentialResolver} over Jenkins' credentials store. In a build, credentials are looked up in
 * the run's context and their use is tracked; on a job's pages (the Environments page), in the job's context as the
 * system. Secrets are read at the moment the engine asks and never written anywhere; messages name only ids.
 */
public final class JenkinsCredentials implements CredentialResolver {

    private final Run<?, ?> run;
    private final Item item;

    private JenkinsCredentials(Run<?, ?> run, Item item) {
        this.run = run;
        this.item = item;
    }

    /** Looks credentials up as the run may use them, tracking each use. */
    public static JenkinsCredentials forRun(Run<?, ?> run) {
        return new JenkinsCredentials(run, null);
    }

    /** Looks credentials up in a job's context, for pages that read the ledger outside a build. */
    public static JenkinsCredentials forItem(Item item) {
        return new JenkinsCredentials(null, item);
    }

    /** Looks credentials up in Jenkins' own (global) scope, for work Jenkins does on its own, such as retention. */
    public static JenkinsCredentials forSystem() {
        return new JenkinsCredentials(null, null);
    }

    @Override
    public RegistryCredentials registry(String host, String credentialsId) {
        if (credentialsId == null) {
            return null;
        }
        StandardUsernamePasswordCredentials c = find(credentialsId, StandardUsernamePasswordCredentials.class,
                "registry " + host, "Username with password");
        return RegistryCredentials.basic(c.getUsername(), c.getPassword().getPlainText())
                .withSource("Jenkins credentials '" + credentialsId + "'");
    }

    @Override
    public SigningKey signingKey(SigningConfig.SigningKeyConfig key) {
        FileCredentials file = find(key.credentialsId(), FileCredentials.class, "signing key '" + key.id() + "'",
                "Secret file");
        char[] password = new char[0];
        if (key.passwordCredentialsId() != null) {
            StringCredentials secret = find(key.passwordCredentialsId(), StringCredentials.class,
                    "the password of signing key '" + key.id() + "'", "Secret text");
            password = secret.getSecret().getPlainText().toCharArray();
        }
        try (InputStream in = file.getContent()) {
            String pem = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return SigningKey.fromPem(pem, password, "credentials '" + key.credentialsId() + "'");
        } catch (IOException e) {
            throw EngineException.badInput("cannot read the signing key '" + key.id() + "' from credentials '"
                    + key.credentialsId() + "': " + e.getClass().getSimpleName());
        } finally {
            Arrays.fill(password, '\0');
        }
    }

    private <C extends IdCredentials> C find(String id, Class<C> type, String what, String kind) {
        C c;
        if (run != null) {
            c = CredentialsProvider.findCredentialById(id, type, run, List.of());
            CredentialsProvider.track(run, c);
        } else if (item != null) {
            c = CredentialsProvider.findCredentialByIdInItem(id, type, item, ACL.SYSTEM2, List.of());
        } else {
            c = CredentialsMatchers.firstOrNull(CredentialsProvider.lookupCredentialsInItemGroup(type, Jenkins.get(),
                    ACL.SYSTEM2, List.of()), CredentialsMatchers.withId(id));
        }
        if (c == null) {
            throw EngineException.badInput("no '" + kind + "' credentials with id '" + id + "' (for " + what
                    + ") are visible to " + (run != null ? run.getParent().getFullName() : item == null ? "Jenkins"
                    : item.getFullName()) + "; add them to Jenkins' credentials, or change the id in Manage Jenkins > System >"
                    + " Immutable Delivery");
        }
        return c;
    }
}
