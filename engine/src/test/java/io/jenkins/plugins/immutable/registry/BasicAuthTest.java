package io.jenkins.plugins.immutable.registry;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.image.ImageManifest;
import io.jenkins.plugins.immutable.image.MediaTypes;
import io.jenkins.plugins.immutable.image.Repository;
import io.jenkins.plugins.immutable.testing.Stack;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.Test;

/** Basic authentication against the stack's htpasswd-protected registry. */
public class BasicAuthTest {

    private static String stackTrace(Throwable t) {
        StringWriter w = new StringWriter();
        t.printStackTrace(new PrintWriter(w));
        return w.toString();
    }

    @Test
    public void theRightPasswordPushesAndPullsThroughBasicAuthentication() {
        List<String> events = new ArrayList<>();
        RegistryClient client = RegistryClient.builder()
                .credentials(Stack.authRegistry(), RegistryCredentials.basic(Stack.authRegistryUser(),
                        Stack.authRegistryPassword()))
                .listener(events::add).build();
        client.ping(Stack.authRegistry());
        Repository repo = new Repository(Stack.authRegistry(), Stack.uniqueRepository("basic"));
        ImageManifest m = RegistryClientTest.image(client, repo, MediaTypes.OCI_MANIFEST, 81);
        client.putManifest(repo.tag("v1"), m);
        assertArrayEquals(m.bytes(), client.getManifest(repo.tag("v1")).bytes());
        assertEquals(List.of("v1"), client.listTags(repo));
        assertTrue(events.stream().noneMatch(e -> e.contains(Stack.authRegistryPassword())));
    }

    @Test
    public void aWrongPasswordIsAClearErrorThatNamesTheRegistryAndNeverThePassword() {
        String wrong = "not-the-password-" + System.nanoTime();
        RegistryClient client = RegistryClient.builder()
                .credentials(Stack.authRegistry(), RegistryCredentials.basic(Stack.authRegistryUser(), wrong)).build();
        Repository repo = new Repository(Stack.authRegistry(), Stack.uniqueRepository("basic-wrong"));
        for (Runnable call : List.<Runnable>of(() -> client.ping(Stack.authRegistry()),
                () -> client.getManifest(repo.tag("v1")), () -> client.pushBlob(repo, new byte[] {1, 2, 3}))) {
            try {
                call.run();
                fail("a wrong password was accepted");
            } catch (EngineException e) {
                assertEquals(EngineException.Kind.BAD_INPUT, e.kind());
                assertTrue(e.getMessage(), e.getMessage().startsWith("unauthorized: registry " + Stack.authRegistry()));
                assertTrue(e.getMessage(), e.getMessage().contains("user '" + Stack.authRegistryUser() + "'"));
                assertTrue(e.getMessage(), e.getMessage().contains("check the username and password"));
                assertFalse(stackTrace(e).contains(wrong));
                assertFalse(stackTrace(e).contains(Stack.authRegistryPassword()));
            }
        }
    }

    @Test
    public void noCredentialsSaysTheRegistryNeedsThem() {
        RegistryClient client = RegistryClient.builder().build();
        try {
            client.getManifest(new Repository(Stack.authRegistry(), "any/app").tag("v1"));
            fail();
        } catch (EngineException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("requires authentication"));
            assertTrue(e.getMessage(), e.getMessage().contains("configure credentials for " + Stack.authRegistry()));
        }
    }

    @Test
    public void credentialsNeverShowTheirSecret() {
        RegistryCredentials basic = RegistryCredentials.basic("ci", "s3cr3t-value");
        assertFalse(basic.toString().contains("s3cr3t-value"));
        assertTrue(basic.toString().contains("ci"));
        assertFalse(RegistryCredentials.bearerToken("tok-value").toString().contains("tok-value"));
        assertFalse(RegistryCredentials.identityToken("u", "refresh-value").toString().contains("refresh-value"));
        assertEquals("user 'ci'", basic.describe());
    }
}
