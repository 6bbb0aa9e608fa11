package io.jenkins.plugins.immutable.registry;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import io.jenkins.plugins.immutable.EngineException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.After;
import org.junit.Test;

/**
 * Where a registry's login may go when the registry names a token service (the realm of its {@code WWW-Authenticate:
 * Bearer} challenge). The registry and the token services are {@link LoopbackHttp} servers; "another host" is the
 * name localhost where the registry is 127.0.0.1, which to the client are two hosts, as they would be to an attacker
 * who controls a registry's answers.
 */
public class AuthenticatorRealmTest {

    private static final String TOKEN = "tok-" + UUID.randomUUID();

    private final String password = "pw-" + UUID.randomUUID();
    private final List<LoopbackHttp> servers = new ArrayList<>();
    private final AtomicReference<String> realm = new AtomicReference<>();

    @After
    public void stop() {
        servers.forEach(LoopbackHttp::close);
    }

    private LoopbackHttp start(LoopbackHttp.Handler handler) throws Exception {
        LoopbackHttp s = new LoopbackHttp(handler);
        servers.add(s);
        return s;
    }

    /** A registry that wants the token the token services below issue, and names {@link #realm} for it. */
    private LoopbackHttp registry() throws Exception {
        return start(exchange -> {
            if (("Bearer " + TOKEN).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                LoopbackHttp.send(exchange, 200, "application/json", "{}");
                return;
            }
            exchange.getResponseHeaders().add("WWW-Authenticate", "Bearer realm=\"" + realm.get()
                    + "\",service=\"test-registry\"");
            LoopbackHttp.send(exchange, 401, "application/json", "{\"errors\":[{\"code\":\"UNAUTHORIZED\"}]}");
        });
    }

    /** A token service that gives a token to whoever asks: what a stranger's service would do with a login. */
    private LoopbackHttp tokenService() throws Exception {
        return start(exchange -> LoopbackHttp.send(exchange, 200, "application/json",
                "{\"token\":\"" + TOKEN + "\",\"expires_in\":300}"));
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    public void aLoginIsNotSentToATokenServiceOnAnotherHostOverPlainHttp() throws Exception {
        LoopbackHttp registry = registry();
        LoopbackHttp stranger = tokenService();
        realm.set("http://" + stranger.localhost() + "/token");
        for (RegistryCredentials creds : List.of(RegistryCredentials.basic("ci", password),
                RegistryCredentials.identityToken("ci", password))) {
            RegistryClient client = RegistryClient.builder().credentials(registry.address(), creds).build();
            EngineException e = assertThrows(EngineException.class, () -> client.ping(registry.address()));
            assertEquals(EngineException.Kind.BAD_INPUT, e.kind());
            assertTrue(e.getMessage(), e.getMessage().startsWith("registry " + registry.address() + " asks for a"
                    + " login at the token service " + realm.get() + ", which is plain HTTP to another host than the"
                    + " registry's; the credentials of " + creds.describe() + " are not sent there"));
            assertTrue(e.getMessage(), e.getMessage().contains("Serve the token service over https"));
            assertFalse(e.getMessage(), e.getMessage().contains(password));
        }
        assertEquals("the stranger heard nothing: " + stranger.seen, List.of(), stranger.seen);
    }

    @Test
    public void anInsecureMarkOnTheRealmsHostDoesNotMakeItTheRegistrysOwn() throws Exception {
        LoopbackHttp registry = registry();
        LoopbackHttp stranger = tokenService();
        realm.set("http://" + stranger.localhost() + "/token");
        RegistryClient client = RegistryClient.builder().insecure("localhost").insecure(stranger.localhost())
                .credentials(registry.address(), RegistryCredentials.basic("ci", password)).build();
        assertThrows(EngineException.class, () -> client.ping(registry.address()));
        assertEquals(List.of(), stranger.seen);
    }

    @Test
    public void withoutCredentialsATokenMayComeFromAnyRealm() throws Exception {
        LoopbackHttp registry = registry();
        LoopbackHttp anywhere = tokenService();
        realm.set("http://" + anywhere.localhost() + "/token");
        RegistryClient.builder().build().ping(registry.address());
        assertEquals(1, anywhere.seen.size());
        assertEquals(List.of(), anywhere.authorizations());
    }

    @Test
    public void theRegistrysOwnHostGetsTheLoginOverPlainHttpWhenTheRegistryIsUsedSo() throws Exception {
        LoopbackHttp registry = registry();
        LoopbackHttp own = tokenService();
        realm.set("http://" + own.address() + "/token");
        RegistryClient.builder().credentials(registry.address(), RegistryCredentials.basic("ci", password)).build()
                .ping(registry.address());
        assertEquals(List.of(basic("ci", password)), own.authorizations());
    }

    @Test
    public void aTokenServiceThatRedirectsElsewhereDoesNotPassTheLoginOn() throws Exception {
        LoopbackHttp registry = registry();
        LoopbackHttp stranger = tokenService();
        LoopbackHttp own = start(exchange -> {
            exchange.getResponseHeaders().add("Location", "http://" + stranger.localhost() + "/token?"
                    + exchange.getRequestURI().getRawQuery());
            LoopbackHttp.send(exchange, 307, null, "");
        });
        realm.set("http://" + own.address() + "/token");
        RegistryClient.builder().credentials(registry.address(), RegistryCredentials.basic("ci", password)).build()
                .ping(registry.address());
        assertEquals("the registry's own token service got the login", List.of(basic("ci", password)),
                own.authorizations());
        assertEquals("the redirect was followed", 1, stranger.seen.size());
        assertEquals("but without the login", List.of(), stranger.authorizations());
    }

    @Test
    public void aRealmThatIsNoHttpUrlIsABadAnswerNamedAsSuch() throws Exception {
        LoopbackHttp registry = registry();
        realm.set("file:///etc/passwd");
        EngineException e = assertThrows(EngineException.class, () -> RegistryClient.builder().build()
                .ping(registry.address()));
        assertEquals(EngineException.Kind.BAD_INPUT, e.kind());
        assertTrue(e.getMessage(), e.getMessage().startsWith("registry " + registry.address() + " names a token"
                + " service that is not an http(s) URL with a host: file:///etc/passwd"));
    }
}
