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
import io.jenkins.plugins.immutable.testing.ProxyLog;
import io.jenkins.plugins.immutable.testing.Stack;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.Test;

/**
 * The registry client through the stack's HTTP proxy (tinyproxy with Basic auth). Each test reads the proxy's log, so
 * that "it worked" also means "it went through the proxy" (or, with NO_PROXY, that it did not).
 */
public class ProxyTest {

    private static String stackTrace(Throwable t) {
        StringWriter w = new StringWriter();
        t.printStackTrace(new PrintWriter(w));
        return w.toString();
    }

    private static Repository repo(String registry, String prefix) {
        return new Repository(registry, Stack.uniqueRepository(prefix));
    }

    @Test
    public void pushAndPullGoThroughTheProxyWithItsLogin() throws Exception {
        ProxyLog log = ProxyLog.mark();
        List<String> events = new ArrayList<>();
        RegistryClient client = RegistryClient.builder().proxy(Stack.proxy()).listener(events::add).build();
        Repository repo = repo(Stack.registry(), "proxied");
        ImageManifest m = RegistryClientTest.image(client, repo, MediaTypes.OCI_MANIFEST, 501);
        client.putManifest(repo.tag("v1"), m);
        assertArrayEquals(m.bytes(), client.getManifest(repo.tag("v1")).bytes());
        try (InputStream in = client.openBlob(repo, m.layers().get(0))) {
            assertEquals(m.layers().get(0).size(), in.readAllBytes().length);
        }

        String base = "http://" + Stack.registry() + "/v2/" + repo.path();
        List<String> seen = log.requestsMentioning(base + "/");
        assertTrue("uploads went through the proxy: " + seen,
                seen.stream().anyMatch(r -> r.startsWith("POST " + base + "/blobs/uploads/")));
        assertTrue("the manifest went through the proxy: " + seen,
                seen.contains("PUT " + base + "/manifests/v1 HTTP/1.1"));
        assertTrue("the pulls went through the proxy: " + seen,
                seen.contains("GET " + base + "/manifests/v1 HTTP/1.1")
                        && seen.contains("GET " + base + "/blobs/" + m.layers().get(0).digest() + " HTTP/1.1"));
        assertTrue(events.toString(), events.stream().noneMatch(e -> e.contains(Stack.proxyPassword())));
    }

    @Test
    public void aRegistryLoginAndTheProxyLoginWorkTogether() {
        // The proxy's login goes pre-emptively, so the registry's own 401 challenge still reaches the client.
        ProxyLog log = ProxyLog.mark();
        RegistryClient client = RegistryClient.builder().proxy(Stack.proxy())
                .credentials(Stack.authRegistry(), RegistryCredentials.basic(Stack.authRegistryUser(),
                        Stack.authRegistryPassword())).build();
        Repository repo = repo(Stack.authRegistry(), "proxied-basic");
        ImageManifest m = RegistryClientTest.image(client, repo, MediaTypes.OCI_MANIFEST, 502);
        client.putManifest(repo.tag("v1"), m);
        assertArrayEquals(m.bytes(), client.getManifest(repo.tag("v1")).bytes());
        assertTrue(log.requests().toString(), log.requestsMentioning("http://" + Stack.authRegistry() + "/v2/"
                + repo.path() + "/manifests/v1").size() >= 2);
    }

    @Test
    public void theTokenServiceIsAskedThroughTheProxyToo() throws Exception {
        String password = "pw-" + UUID.randomUUID();
        String registry = Stack.require("IMMUTABLE_TOKEN_REGISTRY");
        ProxyLog log = ProxyLog.mark();
        try (TokenIssuer issuer = TokenIssuer.start("ci", password)) {
            RegistryClient client = RegistryClient.builder().proxy(Stack.proxy())
                    .credentials(registry, RegistryCredentials.basic("ci", password)).build();
            Repository repo = repo(registry, "proxied-bearer");
            ImageManifest m = RegistryClientTest.image(client, repo, MediaTypes.OCI_MANIFEST, 503);
            client.putManifest(repo.tag("v1"), m);
            assertEquals(1, issuer.issuedFor("repository:" + repo.path() + ":pull,push"));
            String realm = "http://127.0.0.1:" + Stack.require("IMMUTABLE_TOKEN_REALM_PORT") + "/token?";
            List<String> tokens = log.requestsMentioning(realm);
            assertTrue("the token request went through the proxy: " + log.requests(),
                    tokens.stream().anyMatch(r -> r.startsWith("GET ") && r.contains(repo.path().replace("/", "%2F"))));
        }
    }

    @Test
    public void aWrongProxyPasswordIsTheProxysRefusalWithoutThePassword() {
        String wrong = "not-the-proxy-password-" + UUID.randomUUID();
        ProxyLog log = ProxyLog.mark();
        RegistryClient client = RegistryClient.builder()
                .proxy(Stack.proxy().withCredentials(Stack.require("IMMUTABLE_PROXY_USER"), wrong)).build();
        Repository repo = repo(Stack.registry(), "proxy-wrong");
        try {
            client.getManifest(repo.tag("v1"));
            fail("the proxy took a wrong password");
        } catch (EngineException e) {
            assertEquals(EngineException.Kind.BAD_INPUT, e.kind());
            assertTrue(e.getMessage(), e.getMessage().startsWith("the proxy " + Stack.require("IMMUTABLE_PROXY")
                    + " refused the credentials of user '" + Stack.require("IMMUTABLE_PROXY_USER") + "' ("));
            assertTrue(e.getMessage(), e.getMessage().contains("407 Proxy Authentication Required")
                    && e.getMessage().contains("set the proxy user and password"));
            assertFalse(stackTrace(e), stackTrace(e).contains(wrong));
        }
        assertEquals("the proxy turned it away, once: " + log.requests(), 1,
                log.requestsMentioning(repo.path() + "/manifests/v1").size());
    }

    @Test
    public void noLoginAtAllIsThe407() {
        ProxyLog log = ProxyLog.mark();
        RegistryClient client = RegistryClient.builder().proxy(Stack.proxy().withoutCredentials()).build();
        Repository repo = repo(Stack.registry(), "proxy-anonymous");
        try {
            client.headManifest(repo.tag("v1"));
            fail("the proxy took a request without its login");
        } catch (EngineException e) {
            assertEquals(EngineException.Kind.BAD_INPUT, e.kind());
            assertEquals("the proxy " + Stack.require("IMMUTABLE_PROXY") + " requires authentication (407 Proxy"
                    + " Authentication Required) and none is configured to check manifest " + repo.tag("v1") + ": set"
                    + " the proxy user and password it accepts (the CLI reads them from HTTPS_PROXY/HTTP_PROXY="
                    + "http://user:password@" + Stack.require("IMMUTABLE_PROXY") + "; Jenkins from its HTTP proxy"
                    + " configuration)", e.getMessage());
        }
        assertEquals(log.requests().toString(), 1, log.requestsMentioning(repo.path()).size());
    }

    @Test
    public void noProxyHostsAreReachedDirectly() {
        ProxyLog log = ProxyLog.mark();
        String host = Stack.registry().substring(0, Stack.registry().indexOf(':'));
        RegistryClient client = RegistryClient.builder().proxy(Stack.proxy().withNoProxy("example.com, " + host))
                .build();
        Repository repo = repo(Stack.registry(), "proxy-bypassed");
        ImageManifest m = RegistryClientTest.image(client, repo, MediaTypes.OCI_MANIFEST, 504);
        client.putManifest(repo.tag("v1"), m);
        assertArrayEquals(m.bytes(), client.getManifest(repo.tag("v1")).bytes());
        assertEquals("nothing went through the proxy", List.of(), log.requestsMentioning(repo.path()));

        // The same client sends what NO_PROXY does not name through the proxy: the exemption is per host.
        RegistryClient other = RegistryClient.builder().proxy(Stack.proxy().withNoProxy("example.com")).build();
        assertArrayEquals(m.bytes(), other.getManifest(repo.tag("v1")).bytes());
        assertEquals(1, log.requestsMentioning(repo.path()).size());
    }

    @Test
    public void aProxyThatIsNotThereIsNamedAsTheOneThatRefused() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        RegistryClient client = RegistryClient.builder().proxy(HttpProxy.of("127.0.0.1", port))
                .retries(2, Duration.ofMillis(10)).build();
        try {
            client.ping(Stack.registry());
            fail("a proxy that is not there answered");
        } catch (EngineException e) {
            assertEquals(EngineException.Kind.OUTAGE, e.kind());
            assertTrue(e.getMessage(), e.getMessage().startsWith("could not reach the API of " + Stack.registry()
                    + ": the proxy 127.0.0.1:" + port + " (on the way to registry " + Stack.registry()
                    + ") refused the connection (after 2 attempts)"));
            assertTrue(e.getMessage(), e.getMessage().contains("HTTPS_PROXY, HTTP_PROXY, NO_PROXY"));
        }
    }

    @Test
    public void httpsThroughTheProxySaysWhatTheJvmNeedsForTheTunnelLogin() {
        // Java leaves Basic out of CONNECT unless jdk.http.auth.tunneling.disabledSchemes says otherwise; this JVM
        // runs with the default, so the tunnel is refused and the message names the switch.
        ProxyLog log = ProxyLog.mark();
        RegistryClient client = RegistryClient.builder().proxy(Stack.proxy()).loopbackInsecure(false)
                .retries(1, Duration.ofMillis(10)).build();
        try {
            client.ping(Stack.registry());
            fail("the tunnel opened without the login");
        } catch (EngineException e) {
            assertEquals(EngineException.Kind.BAD_INPUT, e.kind());
            assertTrue(e.getMessage(), e.getMessage().contains("-Djdk.http.auth.tunneling.disabledSchemes= (empty)"));
            assertFalse(e.getMessage(), e.getMessage().contains(Stack.proxyPassword()));
        }
        assertEquals(List.of("CONNECT " + Stack.registry() + " HTTP/1.1"),
                log.requests().stream().filter(r -> r.startsWith("CONNECT ")).toList());
    }
}
