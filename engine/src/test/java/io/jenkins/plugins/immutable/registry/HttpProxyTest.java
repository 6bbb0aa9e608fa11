package io.jenkins.plugins.immutable.registry;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import io.jenkins.plugins.immutable.EngineException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.net.Authenticator;
import java.net.InetAddress;
import java.net.PasswordAuthentication;
import java.net.Proxy;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpHeaders;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.Test;

/** The proxy value: parsing as curl does, NO_PROXY as curl reads it, and a password that never shows. */
public class HttpProxyTest {

    private static final String SECRET = "s3cr@t:pw";

    @Test
    public void parsesCurlsFormsWithTheLoginUrlDecoded() {
        HttpProxy p = HttpProxy.parse("http://ci%40corp:s3cr%40t%3Apw@proxy.corp:3128/", "HTTPS_PROXY");
        assertEquals("proxy.corp", p.host());
        assertEquals(3128, p.port());
        assertEquals("ci@corp", p.username());
        assertEquals(SECRET, p.password());
        assertEquals(HttpProxy.ALL_SCHEMES, p.schemes());

        assertEquals(HttpProxy.of("proxy.corp", 3128), HttpProxy.parse("proxy.corp:3128", "HTTP_PROXY"));
        assertEquals("curl's default port", 1080, HttpProxy.parse("http://proxy.corp", "x").port());
        assertEquals("a plus is a plus, as in curl", "a+b", HttpProxy.parse("http://u:a+b@h:1", "x").password());
        assertEquals("", HttpProxy.parse("http://u@h:1", "x").password());
        HttpProxy v6 = HttpProxy.parse("http://[::1]:8080", "x");
        assertEquals("::1", v6.host());
        assertEquals("[::1]:8080", v6.address());
    }

    @Test
    public void malformedProxiesAreBadInputWithoutTheirPassword() {
        for (String bad : List.of("socks5://u:" + SECRET + "@h:1080", "http://u:" + SECRET + "@h:notaport",
                "http://u:" + SECRET + "@:3128", "https://u:" + SECRET + "@h:443")) {
            try {
                HttpProxy.parse(bad, "HTTPS_PROXY");
                fail(bad);
            } catch (EngineException e) {
                assertEquals(EngineException.Kind.BAD_INPUT, e.kind());
                assertTrue(e.getMessage(), e.getMessage().startsWith("HTTPS_PROXY "));
                assertTrue(e.getMessage(), e.getMessage().contains("u:****@"));
                assertFalse(e.getMessage(), e.getMessage().contains("s3cr"));
            }
        }
    }

    @Test
    public void thePasswordIsInNoStringAndTheValueSurvivesSerialization() throws Exception {
        HttpProxy p = HttpProxy.of("proxy.corp", 3128).withCredentials("ci", SECRET).withNoProxy("localhost,.internal");
        assertEquals("HttpProxy[proxy.corp:3128, user 'ci', password ****, no proxy for localhost,.internal]",
                p.toString());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(p);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            assertEquals(p, in.readObject());
        }
        assertEquals("Basic " + Base64.getEncoder().encodeToString(("ci:" + SECRET).getBytes()),
                p.proxyAuthorization().orElseThrow());
        assertTrue(HttpProxy.of("h", 1).proxyAuthorization().isEmpty());
    }

    @Test
    public void noProxyReadsAsCurlReadsIt() {
        HttpProxy p = HttpProxy.of("proxy", 3128)
                .withNoProxy(" Example.COM , .internal,*.corp.test, 10.0.0.0/8, 192.168.1.7, ::1, fd00::/8, ");
        assertEquals(List.of("example.com", ".internal", "*.corp.test", "10.0.0.0/8", "192.168.1.7", "::1", "fd00::/8"),
                p.noProxy());
        for (String direct : List.of("example.com", "EXAMPLE.com.", "registry.example.com", "internal", "a.b.internal",
                "corp.test", "x.corp.test", "10.1.2.3", "192.168.1.7", "[::1]", "fd12::5")) {
            assertTrue(direct, p.exempts(direct));
        }
        for (String proxied : List.of("notexample.com", "example.com.evil", "internal.org", "11.0.0.1", "192.168.1.70",
                "192.168.1.6", "[::2]", "fe80::1", "localhost", "127.0.0.1")) {
            assertFalse(proxied, p.exempts(proxied));
        }
        assertTrue(HttpProxy.of("proxy", 1).withNoProxy("*").exempts("anything.at.all"));
        assertFalse("an empty NO_PROXY exempts nothing", HttpProxy.of("proxy", 1).withNoProxy("").exempts("x"));
    }

    @Test
    public void theSelectorSendsWhatTheProxyServesThroughItAndTheRestDirectly() {
        HttpProxy https = HttpProxy.of("127.0.0.1", 3128).withNoProxy("registry.internal").onlyFor("https");
        HttpProxy http = HttpProxy.of("127.0.0.2", 3129).onlyFor("http");
        var selector = HttpProxy.selector(List.of(https, http));
        assertEquals("127.0.0.1:3128", selector.select(URI.create("https://registry.example.com/v2/")).get(0)
                .address().toString().replaceFirst("^.*/", ""));
        assertEquals("127.0.0.2:3129", selector.select(URI.create("http://127.0.0.1:5101/v2/")).get(0)
                .address().toString().replaceFirst("^.*/", ""));
        assertEquals(List.of(Proxy.NO_PROXY), selector.select(URI.create("https://registry.internal/v2/")));
        assertTrue(https.appliesTo(URI.create("https://x/")));
        assertFalse(https.appliesTo(URI.create("http://x/")));
        assertEquals("HttpProxy[127.0.0.1:3128, no proxy for registry.internal, https only]", https.toString());
        try {
            HttpProxy.checkSchemes(List.of(https, HttpProxy.of("h", 1)));
            fail("two proxies for https");
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage(), e.getMessage().startsWith("two proxies serve https"));
        }
        HttpProxy.checkSchemes(List.of(https, http));
    }

    @Test
    public void theAuthenticatorAnswersOnlyThisProxy() throws Exception {
        HttpProxy p = HttpProxy.of("127.0.0.1", 3128).withCredentials("ci", SECRET);
        Authenticator auth = p.authenticator();
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        URL url = new URL("http://registry.example.com/v2/");
        PasswordAuthentication given = Authenticator.requestPasswordAuthentication(auth, "127.0.0.1", loopback, 3128,
                "http", "Tinyproxy", "basic", url, Authenticator.RequestorType.PROXY);
        assertEquals("ci", given.getUserName());
        assertEquals(SECRET, new String(given.getPassword()));
        assertNull("never to the server", Authenticator.requestPasswordAuthentication(auth, "registry.example.com",
                null, 80, "http", "registry", "basic", url, Authenticator.RequestorType.SERVER));
        assertNull("never to another proxy", Authenticator.requestPasswordAuthentication(auth, "127.0.0.1", loopback,
                8080, "http", "other", "basic", url, Authenticator.RequestorType.PROXY));
        assertNull(Authenticator.requestPasswordAuthentication(HttpProxy.of("127.0.0.1", 3128).authenticator(),
                "127.0.0.1", loopback, 3128, "http", "x", "basic", url, Authenticator.RequestorType.PROXY));
    }

    @Test
    public void aRefusalIsA407OrTinyproxysMistaken401() {
        HttpHeaders tinyproxy = HttpHeaders.of(Map.of("Server", List.of("tinyproxy/1.11.1")), (a, b) -> true);
        HttpHeaders registry = HttpHeaders.of(Map.of("Docker-Distribution-Api-Version", List.of("registry/2.0")),
                (a, b) -> true);
        assertTrue(HttpProxy.isRefusal(407, registry));
        assertTrue(HttpProxy.isRefusal(401, tinyproxy));
        assertFalse("a registry's own 401 is the registry's", HttpProxy.isRefusal(401, registry));
        assertFalse(HttpProxy.isRefusal(200, tinyproxy));

        HttpProxy p = HttpProxy.of("proxy.corp", 3128).withCredentials("ci", SECRET);
        EngineException e = p.refused(URI.create("http://r:5000/v2/"), 407, "get manifest r:5000/a:1");
        assertEquals("the proxy proxy.corp:3128 refused the credentials of user 'ci' (407 Proxy Authentication"
                + " Required) to get manifest r:5000/a:1: set the proxy user and password it accepts (the CLI reads"
                + " them from HTTPS_PROXY/HTTP_PROXY=http://user:password@proxy.corp:3128; Jenkins from its HTTP proxy"
                + " configuration)", e.getMessage());
        assertEquals(EngineException.Kind.BAD_INPUT, e.kind());
        assertTrue(p.refused(URI.create("http://r/"), 401, "x").getMessage()
                .contains("(HTTP 401, which is how this tinyproxy says 407 Proxy Authentication Required)"));
        assertFalse(p.refused(URI.create("https://r/"), 407, "x").getMessage().contains("s3cr"));
        assertEquals(Set.of("https"), p.onlyFor("HTTPS").schemes());
    }
}
