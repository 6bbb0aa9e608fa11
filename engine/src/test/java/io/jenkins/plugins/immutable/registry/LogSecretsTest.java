package io.jenkins.plugins.immutable.registry;

import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.analysis.CanaryMetric;
import io.jenkins.plugins.immutable.analysis.PrometheusSource;
import io.jenkins.plugins.immutable.analysis.Scope;
import io.jenkins.plugins.immutable.analysis.Scopes;
import io.jenkins.plugins.immutable.image.ImageManifest;
import io.jenkins.plugins.immutable.image.MediaTypes;
import io.jenkins.plugins.immutable.image.Repository;
import io.jenkins.plugins.immutable.sign.ImageSigner;
import io.jenkins.plugins.immutable.sign.SigningKey;
import io.jenkins.plugins.immutable.testing.EngineLog;
import io.jenkins.plugins.immutable.testing.Stack;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.SimpleFormatter;
import org.junit.Rule;
import org.junit.Test;

/**
 * The engine's log, captured at FINEST while it uses every secret the suite uses: the htpasswd registry's password,
 * the token registry's login and the tokens its service issues, the proxy's password, a signing key's PEM and
 * passphrase (and a wrong password and passphrase, for the error paths). None of them, nor the Basic logins built from
 * them, may appear in any record: its message, its parameters, or what it carries thrown. The records must also show
 * the requests, so that an empty log cannot pass.
 */
public class LogSecretsTest {

    @Rule
    public final EngineLog log = new EngineLog(Level.FINEST);

    @Test
    public void noSecretReachesTheLogAtAnyLevel() throws Exception {
        List<String> secrets = new ArrayList<>();
        String authUser = Stack.authRegistryUser();
        String authPassword = Stack.authRegistryPassword();
        secrets.add(authPassword);
        secrets.add(basic(authUser, authPassword));

        // The htpasswd registry, directly and through the proxy (its login and the registry's together).
        RegistryClient basic = RegistryClient.builder()
                .credentials(Stack.authRegistry(), RegistryCredentials.basic(authUser, authPassword)).build();
        Repository basicRepo = new Repository(Stack.authRegistry(), Stack.uniqueRepository("log-basic"));
        ImageManifest m = RegistryClientTest.image(basic, basicRepo, MediaTypes.OCI_MANIFEST, 17);
        basic.putManifest(basicRepo.tag("v1"), m);
        basic.getManifest(basicRepo.tag("v1"));

        String proxyPassword = Stack.proxyPassword();
        secrets.add(proxyPassword);
        secrets.add(basic(Stack.require("IMMUTABLE_PROXY_USER"), proxyPassword));
        RegistryClient proxied = RegistryClient.builder().proxy(Stack.proxy())
                .credentials(Stack.authRegistry(), RegistryCredentials.basic(authUser, authPassword)).build();
        proxied.getManifest(basicRepo.tag("v1"));

        String wrong = "wrong-" + UUID.randomUUID();
        secrets.add(wrong);
        secrets.add(basic(authUser, wrong));
        try {
            RegistryClient.builder().credentials(Stack.authRegistry(), RegistryCredentials.basic(authUser, wrong))
                    .build().getManifest(basicRepo.tag("v1"));
            fail("a wrong password was accepted");
        } catch (EngineException expected) {
            // its message is checked by BasicAuthTest; here, what the log kept of it
        }

        // The token registry: its service's login and every token it issued.
        String tokenPassword = "pw-" + UUID.randomUUID();
        secrets.add(tokenPassword);
        secrets.add(basic("ci", tokenPassword));
        List<String> tokens;
        try (TokenIssuer issuer = TokenIssuer.start("ci", tokenPassword)) {
            String registry = Stack.require("IMMUTABLE_TOKEN_REGISTRY");
            RegistryClient bearer = RegistryClient.builder()
                    .credentials(registry, RegistryCredentials.basic("ci", tokenPassword)).build();
            Repository repo = new Repository(registry, Stack.uniqueRepository("log-bearer"));
            ImageManifest t = RegistryClientTest.image(bearer, repo, MediaTypes.OCI_MANIFEST, 18);
            bearer.putManifest(repo.tag("v1"), t);
            bearer.getManifest(repo.tag("v1"));
            bearer.listTags(repo);
            tokens = List.copyOf(issuer.tokens);
        }
        assertFalse("the token service issued tokens", tokens.isEmpty());
        secrets.addAll(tokens);

        // A signing key, written encrypted and read back with its passphrase; a wrong passphrase fails.
        String passphrase = "passphrase-" + UUID.randomUUID();
        secrets.add(passphrase);
        String pem;
        try (SigningKey generated = SigningKey.generate()) {
            pem = generated.toEncryptedPem(passphrase.toCharArray());
        }
        for (String line : pem.split("\n")) {
            if (!line.startsWith("-----") && line.strip().length() >= 16) {
                secrets.add(line.strip());
            }
        }
        try (SigningKey key = SigningKey.fromPem(pem, passphrase.toCharArray(), "cosign.key")) {
            new ImageSigner(basic).sign(basicRepo.digest(m.digest()), key, Map.of("run", "log-test"));
        }
        try (SigningKey key = SigningKey.fromPem(pem, "not-it".toCharArray(), "cosign.key")) {
            fail("a wrong passphrase opened " + key);
        } catch (EngineException expected) {
            // refused
        }

        // Prometheus through the proxy.
        CanaryMetric metric = CanaryMetric.of("up", "up{${scope}}");
        new PrometheusSource(URI.create(Stack.prometheus())).withProxy(Stack.proxy()).fetch(metric,
                new Scopes(new Scope(Scope.Role.BASELINE, "prod", List.of("b1")),
                        new Scope(Scope.Role.CANARY, "prod", List.of("c1"))),
                Instant.now().minusSeconds(10), Instant.now());

        List<String> texts = new ArrayList<>();
        for (LogRecord r : log.records()) {
            texts.add(everything(r));
        }
        String all = String.join("\n", texts);
        assertTrue("requests to the htpasswd registry are logged:\n" + all,
                all.contains("GET http://" + Stack.authRegistry() + "/v2/" + basicRepo.path() + "/manifests/v1 -> HTTP 200"));
        assertTrue("requests to the token registry and its service are logged:\n" + all,
                all.contains(Stack.require("IMMUTABLE_TOKEN_REGISTRY") + "/v2/") && all.contains("/token?"));
        assertTrue("the challenge is logged:\n" + all, all.contains("challenged, sending it again"));
        assertTrue("requests through the proxy say so:\n" + all, all.contains("(through the proxy "));
        assertTrue("Prometheus' queries are logged:\n" + all, all.contains("/api/v1/query_range"));
        for (int i = 0; i < secrets.size(); i++) {
            String secret = secrets.get(i);
            for (String text : texts) {
                assertFalse("secret #" + i + " (" + secret.length() + " characters) is in the log record: "
                        + text.replace(secret, "<<SECRET>>"), text.contains(secret));
            }
        }
    }

    private static String basic(String user, String password) {
        return Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** All of a record's text: the raw message, the formatted one, each parameter, and the thrown chain's trace. */
    private static String everything(LogRecord r) {
        StringBuilder out = new StringBuilder();
        out.append(r.getLevel()).append(' ').append(r.getLoggerName()).append(": ").append(r.getMessage());
        out.append(" | ").append(new SimpleFormatter().formatMessage(r));
        if (r.getParameters() != null) {
            for (Object p : r.getParameters()) {
                out.append(" | ").append(p);
            }
        }
        if (r.getThrown() != null) {
            StringWriter w = new StringWriter();
            r.getThrown().printStackTrace(new PrintWriter(w));
            out.append(" | ").append(w);
        }
        return out.toString();
    }
}
