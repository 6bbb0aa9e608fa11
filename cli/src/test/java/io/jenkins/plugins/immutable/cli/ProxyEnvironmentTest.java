package io.jenkins.plugins.immutable.cli;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.registry.HttpProxy;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.Test;

/** HTTPS_PROXY, HTTP_PROXY, ALL_PROXY and NO_PROXY, read as curl reads them. */
public class ProxyEnvironmentTest {

    @Test
    public void noVariablesNoProxy() {
        assertEquals(List.of(), ProxyEnvironment.read(Map.of()));
        assertEquals("blank is unset", List.of(), ProxyEnvironment.read(Map.of("HTTPS_PROXY", " ")));
    }

    @Test
    public void theSameProxyForBothSchemesIsOneProxyWithTheLoginDecodedAndNoProxyApplied() {
        List<HttpProxy> proxies = ProxyEnvironment.read(Map.of("HTTPS_PROXY", "http://ci:p%40ss@proxy.corp:3128",
                "HTTP_PROXY", "http://ci:p%40ss@proxy.corp:3128", "NO_PROXY", "localhost,.internal"));
        assertEquals(1, proxies.size());
        HttpProxy p = proxies.get(0);
        assertEquals("proxy.corp:3128", p.address());
        assertEquals("p@ss", p.password());
        assertEquals(HttpProxy.ALL_SCHEMES, p.schemes());
        assertEquals(List.of("localhost", ".internal"), p.noProxy());
        assertFalse(p.toString(), p.toString().contains("p@ss"));
    }

    @Test
    public void eachSchemeHasItsOwnVariableTheLowerCaseOneFirstAndAllProxyForTheRest() {
        List<HttpProxy> proxies = ProxyEnvironment.read(Map.of("https_proxy", "http://lower:1", "HTTPS_PROXY",
                "http://upper:2", "ALL_PROXY", "http://all:3", "no_proxy", "a", "NO_PROXY", "b"));
        assertEquals(2, proxies.size());
        assertEquals("lower:1", proxies.get(0).address());
        assertEquals(Set.of("https"), proxies.get(0).schemes());
        assertEquals("all:3", proxies.get(1).address());
        assertEquals(Set.of("http"), proxies.get(1).schemes());
        assertEquals(List.of("a"), proxies.get(1).noProxy());

        List<HttpProxy> httpOnly = ProxyEnvironment.read(Map.of("HTTP_PROXY", "proxy:8080"));
        assertEquals(1, httpOnly.size());
        assertEquals(Set.of("http"), httpOnly.get(0).schemes());
    }

    @Test
    public void aMalformedProxyNamesItsVariableAndNotItsPassword() {
        try {
            ProxyEnvironment.read(Map.of("HTTPS_PROXY", "socks5://ci:hunter2@proxy:1080"));
            fail("a socks proxy was taken");
        } catch (EngineException e) {
            assertEquals(EngineException.Kind.BAD_INPUT, e.kind());
            assertTrue(e.getMessage(), e.getMessage().startsWith("HTTPS_PROXY names a socks5:// proxy"));
            assertFalse(e.getMessage(), e.getMessage().contains("hunter2"));
        }
    }
}
