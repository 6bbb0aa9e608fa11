package io.jenkins.plugins.immutable.registry;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.image.Repository;
import io.jenkins.plugins.immutable.testing.Stack;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.junit.Test;

/**
 * A password put in the user field by mistake (a {@code *_USERNAME} variable holding the password, a token pasted as
 * the user) is a secret, and no message prints it: a user name that does not look like one is shown at most by its
 * first 3 characters, and not at all where the credentials' source can be named instead.
 */
public class RegistryCredentialsTest {

    /** What a password or a token looks like: mixed case, digits, a long run without separators. */
    private static String secretLike() {
        return "Xq7" + UUID.randomUUID().toString().replace("-", "") + "Zk9";
    }

    private static String everything(Throwable t) {
        StringWriter w = new StringWriter();
        t.printStackTrace(new PrintWriter(w));
        return w.toString();
    }

    @Test
    public void aRegistryThatRefusesASecretInTheUserFieldGetsAMessageWithoutIt() {
        String user = secretLike();
        for (RegistryCredentials creds : List.of(
                RegistryCredentials.basic(user, Stack.authRegistryPassword()),
                RegistryCredentials.basic(user, Stack.authRegistryPassword())
                        .withSource("the environment variables REGISTRY_AUTH_USERNAME and REGISTRY_AUTH_PASSWORD"))) {
            RegistryClient client = RegistryClient.builder().credentials(Stack.authRegistry(), creds).build();
            EngineException e = assertThrows(EngineException.class, () -> client.ping(Stack.authRegistry()));
            assertEquals(EngineException.Kind.BAD_INPUT, e.kind());
            assertTrue(e.getMessage(), e.getMessage().startsWith("unauthorized: registry " + Stack.authRegistry()
                    + " refused the credentials of user "));
            assertTrue(e.getMessage(), e.getMessage().contains("(not shown: its " + user.length() + " characters look"
                    + " more like a password or token than a user name)"));
            assertFalse(e.getMessage(), everything(e).contains(user.substring(0, 4)));
            assertFalse(e.getMessage(), everything(e).contains(Stack.authRegistryPassword()));
            if (creds.source() != null) {
                assertTrue(e.getMessage(), e.getMessage().contains(" from the environment variables"
                        + " REGISTRY_AUTH_USERNAME and REGISTRY_AUTH_PASSWORD"));
                assertFalse("with the source named, not even the start: " + e.getMessage(),
                        e.getMessage().contains(user.substring(0, 3)));
            } else {
                assertTrue(e.getMessage(), e.getMessage().contains("user '" + user.substring(0, 3) + "…' (not shown"));
            }
        }
    }

    @Test
    public void aNormalUserNameIsStillShownWithItsSource() {
        RegistryClient client = RegistryClient.builder().credentials(Stack.authRegistry(),
                RegistryCredentials.basic("ci-bot", "wrong-" + UUID.randomUUID())
                        .withSource("Jenkins credentials 'registry-auth'")).build();
        EngineException e = assertThrows(EngineException.class, () -> client.ping(Stack.authRegistry()));
        assertTrue(e.getMessage(), e.getMessage().startsWith("unauthorized: registry " + Stack.authRegistry()
                + " refused the credentials of user 'ci-bot' from Jenkins credentials 'registry-auth' (HTTP 401"));
    }

    @Test
    public void whatTheRegistrySaysIsRepeatedWithoutTheCredentials() throws Exception {
        String user = secretLike();
        String password = "pw-" + UUID.randomUUID();
        String basic = Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        // A registry that echoes what it was sent, as some do in their DENIED messages.
        try (LoopbackHttp registry = new LoopbackHttp(exchange -> LoopbackHttp.send(exchange, 403,
                "application/json", "{\"errors\":[{\"code\":\"DENIED\",\"message\":\"user " + user + " (password "
                        + password + ", Basic " + basic + ") may not pull team/app; " + "x".repeat(300) + "\"}]}"))) {
            RegistryClient client = RegistryClient.builder().credentials(registry.address(),
                    RegistryCredentials.basic(user, password)).build();
            EngineException e = assertThrows(EngineException.class, () -> client.getManifest(
                    new Repository(registry.address(), "team/app").tag("v1")));
            assertTrue(e.getMessage(), e.getMessage().startsWith("denied: registry " + registry.address()
                    + " does not allow to"));
            assertTrue(e.getMessage(), e.getMessage().contains("user **** (password ****, Basic ****) may not pull"));
            assertFalse(e.getMessage(), e.getMessage().contains(user.substring(0, 4)));
            assertFalse(e.getMessage(), e.getMessage().contains(password));
            assertFalse(e.getMessage(), e.getMessage().contains(basic.substring(0, 8)));
        }
    }

    @Test
    public void aProxyLoginWithASecretAsItsUserIsNotPrintedEither() {
        String user = secretLike();
        HttpProxy proxy = HttpProxy.of("proxy.corp", 3128).withCredentials(user, "pw");
        String refused = proxy.refused(URI.create("http://r:5000/v2/"), 407, "get manifest r:5000/a:1").getMessage();
        assertTrue(refused, refused.startsWith("the proxy proxy.corp:3128 refused the credentials of user '"
                + user.substring(0, 3) + "…' (not shown: its "));
        assertFalse(refused, refused.contains(user.substring(0, 4)));
        assertFalse(proxy.toString(), proxy.toString().contains(user.substring(0, 4)));
        EngineException bad = assertThrows(EngineException.class,
                () -> HttpProxy.parse("http://" + user + "@proxy.corp:notaport", "HTTPS_PROXY"));
        assertFalse(bad.getMessage(), bad.getMessage().contains(user.substring(0, 4)));
        assertTrue(bad.getMessage(), bad.getMessage().contains("http://****@proxy.corp:notaport"));
        assertEquals("http://ci:****@proxy.corp:3128", HttpProxy.redact("http://ci:pw@proxy.corp:3128"));
    }

    @Test
    public void userNamesThatLookLikeOneAreShownWholeAndOthersNot() {
        for (String name : List.of("ci", "immutable", "AWS", "_json_key", "oauth2accesstoken", "ci-bot.2",
                "first.last@corp.example.com", "00000000-0000-0000-0000-000000000000", "jenkins+deploy")) {
            assertEquals(name, "'" + name + "'", RegistryCredentials.shownUser(name, false));
            assertEquals("user '" + name + "'", RegistryCredentials.basic(name, "pw").describe());
        }
        for (String secret : List.of(secretLike(), "ghp_" + "aB3dE6gH9jK2mN5pQ8sT1vW4yZ7bC0eF3hJ6", "Summer2024",
                "p@ss word!", "0123456789abcdef0123456789abcdef", "x".repeat(65), "hunter2:colon")) {
            String shown = RegistryCredentials.shownUser(secret, false);
            assertTrue(secret + " -> " + shown, shown.contains("(not shown: its " + secret.length() + " characters"));
            assertFalse(secret + " -> " + shown, shown.contains(secret.substring(0, Math.min(4, secret.length()))));
            assertFalse(RegistryCredentials.basic(secret, "pw").toString().contains(secret.substring(0, 4)));
            assertFalse(RegistryCredentials.basic(secret, "pw").withSource("the environment variables A and B")
                    .describe().contains(secret.substring(0, 3)));
        }
        assertEquals("(not shown: its 10 characters look more like a password or token than a user name)",
                RegistryCredentials.shownUser("Summer2024", false));
    }
}
