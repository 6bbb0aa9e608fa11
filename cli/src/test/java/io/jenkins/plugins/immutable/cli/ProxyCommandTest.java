package io.jenkins.plugins.immutable.cli;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import io.jenkins.plugins.immutable.image.ImageReference;
import io.jenkins.plugins.immutable.image.Repository;
import io.jenkins.plugins.immutable.registry.RegistryClient;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * The command line through the stack's HTTP proxy (tinyproxy with Basic auth), named by HTTPS_PROXY and HTTP_PROXY as
 * for curl. The proxy's log says whether a command's requests went through it.
 */
public class ProxyCommandTest {

    @ClassRule
    public static final TemporaryFolder TMP = new TemporaryFolder();

    private static Path dir;
    private static ImageReference image;

    @BeforeClass
    public static void aSignedImage() throws Exception {
        dir = TMP.newFolder("work").toPath();
        assertEquals(0, CliRun.run(dir, Map.of("COSIGN_PASSWORD", ""), "keygen").exitCode());
        Repository repo = Repository.parse(Stacks.registry() + "/" + Stacks.unique("cli-proxy"));
        image = TestImages.push(RegistryClient.builder().build(), repo, "1.0", Map.of("etc/motd", "through a proxy\n"));
        CliRun sign = CliRun.run(dir, env(Map.of("COSIGN_PASSWORD", "")), "sign", image.toString(), "--key",
                "cosign.key");
        assertEquals(sign.toString(), 0, sign.exitCode());
    }

    /** The environment of a run: every proxy variable blank (unset) unless given, whatever the machine has set. */
    private static Map<String, String> env(Map<String, String> given) {
        Map<String, String> env = new HashMap<>();
        for (String v : List.of("https_proxy", "HTTPS_PROXY", "http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY",
                "no_proxy", "NO_PROXY")) {
            env.put(v, "");
        }
        env.putAll(given);
        return env;
    }

    private static String proxyUrl(String password) {
        return "http://" + Stacks.require("IMMUTABLE_PROXY_USER") + ":"
                + URLEncoder.encode(password, StandardCharsets.UTF_8) + "@" + Stacks.require("IMMUTABLE_PROXY");
    }

    private static String password() throws IOException {
        return Files.readString(Path.of(Stacks.require("IMMUTABLE_PROXY_PASSWORD_FILE"))).strip();
    }

    private static long logSize() throws IOException {
        return Files.size(Path.of(Stacks.require("IMMUTABLE_PROXY_LOG")));
    }

    /** The proxy's request lines since {@code from} that name the image's repository. */
    private static List<String> proxied(long from) throws IOException {
        try (RandomAccessFile in = new RandomAccessFile(Stacks.require("IMMUTABLE_PROXY_LOG"), "r")) {
            byte[] bytes = new byte[(int) (in.length() - from)];
            in.seek(from);
            in.readFully(bytes);
            return new String(bytes, StandardCharsets.UTF_8).lines()
                    .filter(l -> l.contains("Request (file descriptor") && l.contains(image.repository().path()))
                    .toList();
        }
    }

    @Test
    public void verifyGoesThroughTheProxyThatHttpsProxyAndHttpProxyName() throws Exception {
        long from = logSize();
        String url = proxyUrl(password());
        CliRun verify = CliRun.run(dir, env(Map.of("HTTPS_PROXY", url, "HTTP_PROXY", url)), "verify",
                image.toString(), "--key", "cosign.pub");
        assertEquals(verify.toString(), 0, verify.exitCode());
        List<String> seen = proxied(from);
        assertTrue("the signature and the manifest were read through the proxy: " + seen,
                seen.stream().anyMatch(l -> l.contains("GET http://" + Stacks.registry() + "/v2/"
                        + image.repository().path() + "/manifests/")));
        assertFalse(verify.toString(), verify.toString().contains(password()));
    }

    @Test
    public void anHttpsProxyIsNotUsedForAPlainHttpRegistryAndNoProxyExemptsAHost() throws Exception {
        String url = proxyUrl(password());
        long from = logSize();
        CliRun httpsOnly = CliRun.run(dir, env(Map.of("HTTPS_PROXY", url)), "verify", image.toString(), "--key",
                "cosign.pub");
        assertEquals(httpsOnly.toString(), 0, httpsOnly.exitCode());
        assertEquals("the loopback registry speaks http, which HTTPS_PROXY is not for", List.of(), proxied(from));

        String host = Stacks.registry().substring(0, Stacks.registry().indexOf(':'));
        CliRun exempted = CliRun.run(dir, env(Map.of("HTTP_PROXY", url, "NO_PROXY", "example.com," + host)), "verify",
                image.toString(), "--key", "cosign.pub");
        assertEquals(exempted.toString(), 0, exempted.exitCode());
        assertEquals("NO_PROXY names the registry's host", List.of(), proxied(from));
    }

    @Test
    public void aWrongProxyPasswordIsBadInputNamingTheProxyAndNeverThePassword() throws Exception {
        String wrong = "wr@ng:pass/" + System.nanoTime();
        long from = logSize();
        CliRun verify = CliRun.run(dir, env(Map.of("http_proxy", proxyUrl(wrong))), "verify", image.toString(),
                "--key", "cosign.pub", "--json");
        assertEquals(verify.toString(), 2, verify.exitCode());
        assertTrue(verify.err(), verify.err().contains("the proxy " + Stacks.require("IMMUTABLE_PROXY")
                + " refused the credentials of user '" + Stacks.require("IMMUTABLE_PROXY_USER") + "'"));
        assertFalse(verify.toString(), verify.toString().contains(wrong));
        assertFalse(verify.toString(), verify.toString().contains(URLEncoder.encode(wrong, StandardCharsets.UTF_8)));
        assertEquals("turned away at the first request: " + proxied(from), 1, proxied(from).size());
    }
}
