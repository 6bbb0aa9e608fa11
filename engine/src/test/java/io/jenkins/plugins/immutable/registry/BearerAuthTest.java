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
import java.util.List;
import java.util.UUID;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;

/**
 * Bearer tokens against the stack's token registry: the client reads realm, service and scope from the registry's
 * WWW-Authenticate challenge, logs in to the token service (run here by {@link TokenIssuer} on the stack's key), and
 * caches each token per scope.
 */
public class BearerAuthTest {

    private final String password = "pw-" + UUID.randomUUID();
    private TokenIssuer issuer;

    @Before
    public void startIssuer() throws Exception {
        issuer = TokenIssuer.start("ci", password);
    }

    @After
    public void stopIssuer() {
        issuer.close();
    }

    private RegistryClient client(String pw) {
        return RegistryClient.builder().credentials(Stack.require("IMMUTABLE_TOKEN_REGISTRY"),
                RegistryCredentials.basic("ci", pw)).build();
    }

    private static Repository repo(String prefix) {
        return new Repository(Stack.require("IMMUTABLE_TOKEN_REGISTRY"), Stack.uniqueRepository(prefix));
    }

    @Test
    public void aTokenFromTheChallengesRealmPushesAndPullsAndIsCachedPerScope() {
        RegistryClient client = client(password);
        client.ping(Stack.require("IMMUTABLE_TOKEN_REGISTRY"));
        Repository repo = repo("bearer");
        ImageManifest m = RegistryClientTest.image(client, repo, MediaTypes.OCI_MANIFEST, 301);
        client.putManifest(repo.tag("v1"), m);
        String pushScope = "repository:" + repo.path() + ":pull,push";
        assertEquals("one token for every push to the repository", 1, issuer.issuedFor(pushScope));

        for (int i = 0; i < 5; i++) {
            assertArrayEquals(m.bytes(), client.getManifest(repo.tag("v1")).bytes());
        }
        String pullScope = "repository:" + repo.path() + ":pull";
        assertEquals("one token for every pull", 1, issuer.issuedFor(pullScope));
        assertEquals(List.of("v1"), client.listTags(repo));
        assertTrue(issuer.services.stream().allMatch(Stack.require("IMMUTABLE_TOKEN_SERVICE")::equals));

        // A mount needs pull on the source as well as push on the target, in one token.
        Repository other = repo("bearer-mount");
        CopyResult copy = new ImageCopier(client).copy(repo.tag("v1"), other.tag("v1"));
        assertEquals(3, copy.blobsMounted());
        assertEquals(1, issuer.issuedFor("repository:" + other.path() + ":pull,push repository:" + repo.path()
                + ":pull"));
    }

    @Test
    public void aPasswordTheTokenServiceRefusesIsAClearErrorWithoutThePassword() {
        String wrong = "wrong-" + UUID.randomUUID();
        try {
            client(wrong).getManifest(repo("bearer-wrong").tag("v1"));
            fail();
        } catch (EngineException e) {
            assertTrue(e.getMessage(), e.getMessage().startsWith("unauthorized: registry "
                    + Stack.require("IMMUTABLE_TOKEN_REGISTRY") + " refused the credentials of user 'ci'"));
            assertTrue(e.getMessage(), e.getMessage().contains("token service"));
            StringWriter w = new StringWriter();
            e.printStackTrace(new PrintWriter(w));
            assertFalse(w.toString().contains(wrong));
        }
    }

    @Test
    public void withoutCredentialsTheTokenRegistrySaysItNeedsThem() {
        RegistryClient anonymous = RegistryClient.builder().build();
        try {
            anonymous.ping(Stack.require("IMMUTABLE_TOKEN_REGISTRY"));
            fail();
        } catch (EngineException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("requires authentication"));
        }
    }
}
