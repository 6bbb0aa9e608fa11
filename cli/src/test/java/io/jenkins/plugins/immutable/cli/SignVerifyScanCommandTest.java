package io.jenkins.plugins.immutable.cli;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.jenkins.plugins.immutable.image.ImageReference;
import io.jenkins.plugins.immutable.image.Repository;
import io.jenkins.plugins.immutable.registry.RegistryClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** keygen, sign, verify and scan against the stack's registry, run in-process as a user would type them. */
public class SignVerifyScanCommandTest {

    @ClassRule
    public static final TemporaryFolder TMP = new TemporaryFolder();

    private static final String PASSWORD = "correct horse battery staple";
    private static Path dir;
    private static ImageReference image;

    @BeforeClass
    public static void keysAndImage() throws Exception {
        dir = TMP.newFolder("work").toPath();
        CliRun keygen = CliRun.run(dir, Map.of("COSIGN_PASSWORD", PASSWORD), "keygen");
        assertEquals(keygen.toString(), 0, keygen.exitCode());
        Files.createDirectories(dir.resolve("other"));
        assertEquals(0, CliRun.run(dir, Map.of("COSIGN_PASSWORD", ""), "keygen", "-d", "other").exitCode());
        RegistryClient client = RegistryClient.builder().build();
        Repository repo = Repository.parse(Stacks.registry() + "/" + Stacks.unique("cli-sign"));
        image = TestImages.push(client, repo, "1.0", TestImages.DEBIAN_WITH_OLD_GLIBC);
    }

    @Test
    public void keygenWritesAnEncryptedKeyForTheOwnerOnlyAndNeverOverwrites() throws Exception {
        assertTrue(Files.readString(dir.resolve("cosign.key")).contains("ENCRYPTED SIGSTORE PRIVATE KEY"));
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(dir.resolve("cosign.key"))));
        CliRun again = CliRun.run(dir, Map.of("COSIGN_PASSWORD", PASSWORD), "keygen");
        assertEquals(again.toString(), 2, again.exitCode());
    }

    @Test
    public void verboseShowsEveryRegistryRequestOnStandardErrorAndNoSecret() throws Exception {
        CliRun sign = CliRun.run(dir, Map.of("COSIGN_PASSWORD", PASSWORD), "sign", image.withoutTag().toString(),
                "--key", "cosign.key", "--verbose", "--progress", "none");
        assertEquals(sign.toString(), 0, sign.exitCode());
        String manifest = "GET http://" + image.repository().registry() + "/v2/" + image.repository().path()
                + "/manifests/";
        assertTrue(sign.err(), sign.err().lines().anyMatch(l -> l.matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} FINE http: "
                + java.util.regex.Pattern.quote(manifest) + ".* -> HTTP 200 in \\d+ ms")));
        assertTrue(sign.err(), sign.err().contains(" PUT http://" + image.repository().registry() + "/v2/"));
        assertFalse("the password never reaches the log", sign.err().contains(PASSWORD));
        String key = Files.readString(dir.resolve("cosign.key"));
        for (String line : key.split("\n")) {
            if (!line.startsWith("-----") && line.length() >= 16) {
                assertFalse("the key never reaches the log", sign.err().contains(line));
            }
        }

        CliRun quiet = CliRun.run(dir, Map.of(), "verify", image.toString(), "--key", "cosign.pub", "--progress",
                "none");
        assertFalse("without --verbose no request is logged: " + quiet.err(), quiet.err().contains("FINE http:"));
    }

    @Test
    public void signedImageVerifiesWithItsPublicKeyAndNotWithAnother() throws Exception {
        CliRun sign = CliRun.run(dir, Map.of("COSIGN_PASSWORD", PASSWORD), "sign", image.withoutTag().toString(),
                "--key", "cosign.key", "-a", "team=cli", "--json");
        assertEquals(sign.toString(), 0, sign.exitCode());
        JsonNode signed = Output.JSON.readTree(sign.out());
        assertEquals(image.digest().toString(), signed.get("digest").asText());
        assertFalse("the password never reaches the output", (sign.out() + sign.err()).contains(PASSWORD));

        CliRun verify = CliRun.run(dir, Map.of(), "verify", image.toString(), "--key", "cosign.pub");
        assertEquals(verify.toString(), 0, verify.exitCode());
        assertTrue(verify.out(), verify.out().contains("verified"));

        CliRun wrongKey = CliRun.run(dir, Map.of(), "verify", image.toString(), "--key", "other/cosign.pub", "--json");
        assertEquals(wrongKey.toString(), 3, wrongKey.exitCode());
        JsonNode refused = Output.JSON.readTree(wrongKey.out().substring(wrongKey.out().lastIndexOf("{\n  \"error\"")));
        assertEquals("REFUSED", refused.at("/error/kind").asText());
        assertTrue(wrongKey.err(), wrongKey.err().contains("no signature by a trusted key"));
    }

    @Test
    public void wrongKeyPasswordIsBadInputAndNotEchoed() {
        CliRun sign = CliRun.run(dir, Map.of("COSIGN_PASSWORD", "not it"), "sign", image.toString(), "--key",
                "cosign.key");
        assertEquals(sign.toString(), 2, sign.exitCode());
        assertTrue(sign.err(), sign.err().contains("password does not open"));
        assertFalse(sign.err(), sign.err().contains("not it"));
    }

    @Test
    public void scanFailsThePolicyOnAHighFindingAndPassesWhenItIsIgnoredWithAReason() throws Exception {
        String db = Stacks.osvDatabase().toString();
        CliRun failed = CliRun.run(dir, Map.of(), "scan", image.toString(), "--db", db);
        assertEquals(failed.toString(), 3, failed.exitCode());
        assertTrue(failed.out(), failed.out().contains("HIGH      DSA-5514-1  libc6"));
        assertTrue(failed.err(), failed.err().contains("failed its policy"));

        CliRun passed = CliRun.run(dir, Map.of("COSIGN_PASSWORD", PASSWORD), "scan", image.toString(), "--db", db,
                "--ignore", "CVE-2023-4911=the loader is not reachable in this image", "--attest", "--key",
                "cosign.key", "--json", "-o", "report.sarif", "--format", "sarif");
        assertEquals(passed.toString(), 0, passed.exitCode());
        JsonNode result = Output.JSON.readTree(passed.out());
        assertTrue(result.get("passed").asBoolean());
        assertEquals(image.digest().toString(), result.get("digest").asText());
        assertTrue(result.toString(), result.get("attestation").asText().contains(".att"));
        assertTrue(Files.readString(dir.resolve("report.sarif")).contains("sarif-2.1.0"));

        assertEquals(0, CliRun.run(dir, Map.of("COSIGN_PASSWORD", PASSWORD), "sign", image.toString(), "--key",
                "cosign.key").exitCode());
        CliRun verify = CliRun.run(dir, Map.of(), "verify", image.toString(), "--key", "cosign.pub",
                "--attestation", "vuln");
        assertEquals("the scan attestation verifies: " + verify, 0, verify.exitCode());
    }

    @Test
    public void anIncompleteScanIsRefusedUnlessAcceptedByFlagOrConfiguration() throws Exception {
        RegistryClient client = RegistryClient.builder().build();
        Repository repo = Repository.parse(Stacks.registry() + "/" + Stacks.unique("cli-incomplete"));
        ImageReference broken = TestImages.push(client, repo, "1.0", Map.of(
                "etc/os-release", "ID=debian\nVERSION_ID=\"12\"\n",
                "usr/local/lib/node_modules/broken/package.json", "{\"name\": \"broken\", \"version\": "));
        String db = Stacks.osvDatabase().toString();

        CliRun refused = CliRun.run(dir, Map.of(), "scan", broken.toString(), "--db", db);
        assertEquals(refused.toString(), 3, refused.exitCode());
        assertTrue(refused.out(), refused.out().contains("not read: usr/local/lib/node_modules/broken/package.json:"
                + " not valid JSON"));
        assertTrue(refused.out(), refused.out().contains("1 item not read; INCOMPLETE"));
        assertTrue(refused.err(), refused.err().contains("is incomplete: the scan is incomplete: 1 item was not read"));
        assertTrue(refused.err(), refused.err().contains("scan.acceptIncomplete: true, or --accept-incomplete"));

        CliRun json = CliRun.run(dir, Map.of(), "scan", broken.toString(), "--db", db, "--json",
                "--accept-incomplete");
        assertEquals(json.toString(), 0, json.exitCode());
        JsonNode result = Output.JSON.readTree(json.out());
        assertEquals("PASSED", result.get("verdict").asText());
        assertEquals("usr/local/lib/node_modules/broken/package.json",
                result.at("/report/skipped/0/location").asText());

        Path configured = Files.createDirectories(dir.resolve("accepting"));
        Files.writeString(configured.resolve("immutable.yaml"), "scan:\n  acceptIncomplete: true\n");
        CliRun accepted = CliRun.run(configured, Map.of(), "--config", "immutable.yaml", "scan", broken.toString(),
                "--db", db);
        assertEquals(accepted.toString(), 0, accepted.exitCode());
        assertTrue(accepted.out(), accepted.out().contains("1 item not read; PASSED"));
    }
}
