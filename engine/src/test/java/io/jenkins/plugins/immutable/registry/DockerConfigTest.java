package io.jenkins.plugins.immutable.registry;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.testing.Stack;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.List;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** Credentials from Docker's config.json, inline and through credential helpers, against the htpasswd registry. */
public class DockerConfigTest {

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private Path config(String json) throws Exception {
        Path file = tmp.newFolder().toPath().resolve("config.json");
        Files.writeString(file, json);
        return file;
    }

    private static String basic(String user, String password) {
        return Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    public void anAuthsEntryAuthenticatesWhateverSchemeOrPathItsKeyHas() throws Exception {
        Path file = config("{\"auths\":{\"http://" + Stack.authRegistry() + "/v2/\":{\"auth\":\""
                + basic(Stack.authRegistryUser(), Stack.authRegistryPassword()) + "\"}}}");
        RegistryClient.builder().dockerConfig(file).build().ping(Stack.authRegistry());
    }

    @Test
    public void aCredentialHelperIsAskedForItsRegistryAndAnswersForIt() throws Exception {
        Path bin = tmp.newFolder("bin").toPath();
        Path asked = bin.resolve("asked");
        Path helper = bin.resolve("docker-credential-immutabletest");
        Files.writeString(helper, "#!/bin/sh\n"
                + "[ \"$1\" = get ] || exit 3\n"
                + "read server\n"
                + "echo \"$server\" >> '" + asked + "'\n"
                + "if [ \"$server\" = '" + Stack.authRegistry() + "' ]; then\n"
                + "  printf '{\"ServerURL\":\"%s\",\"Username\":\"" + Stack.authRegistryUser() + "\",\"Secret\":\"%s\"}' "
                + "\"$server\" \"$(cat '" + Path.of(Stack.require("IMMUTABLE_AUTH_REGISTRY_PASSWORD_FILE")) + "')\"\n"
                + "else echo 'credentials not found in native keychain'; exit 1; fi\n");
        Files.setPosixFilePermissions(helper, PosixFilePermissions.fromString("rwx------"));
        for (String json : List.of("{\"credHelpers\":{\"" + Stack.authRegistry() + "\":\"immutabletest\"}}",
                "{\"credsStore\":\"immutabletest\"}")) {
            Files.deleteIfExists(asked);
            RegistryClient client = RegistryClient.builder().dockerConfig(config(json))
                    .credentialHelperPath(List.of(bin)).build();
            client.ping(Stack.authRegistry());
            client.ping(Stack.authRegistry());
            client.ping(Stack.registry()); // asks for no credentials, so the helper is not run for it
            assertEquals(json + ": asked once, only where credentials are needed", List.of(Stack.authRegistry()),
                    Files.readAllLines(asked));
        }
    }

    @Test
    public void explicitCredentialsComeBeforeTheDockerConfig() throws Exception {
        Path file = config("{\"auths\":{\"" + Stack.authRegistry() + "\":{\"auth\":\"" + basic("nobody", "nothing")
                + "\"}}}");
        RegistryClient.builder().dockerConfig(file).credentials(Stack.authRegistry(),
                RegistryCredentials.basic(Stack.authRegistryUser(), Stack.authRegistryPassword())).build()
                .ping(Stack.authRegistry());
        try {
            RegistryClient.builder().dockerConfig(file).build().ping(Stack.authRegistry());
            fail();
        } catch (EngineException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("refused the credentials of user 'nobody'"));
            assertFalse(e.getMessage().contains("nothing"));
        }
    }

    @Test
    public void aMissingHelperOrABrokenFileIsAClearErrorThatShowsNoSecret() throws Exception {
        Path helperless = config("{\"credHelpers\":{\"" + Stack.authRegistry() + "\":\"absent\"}}");
        try {
            RegistryClient.builder().dockerConfig(helperless).credentialHelperPath(List.of(tmp.getRoot().toPath()))
                    .build().ping(Stack.authRegistry());
            fail();
        } catch (EngineException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("docker-credential-absent is not on the PATH"));
        }
        Path broken = config("{\"auths\":{\"x\":{\"auth\":\"c2VjcmV0LXZhbHVl\"");
        try {
            RegistryClient.builder().dockerConfig(broken).build();
            fail();
        } catch (EngineException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("is not valid JSON"));
            assertFalse(e.getMessage(), e.getMessage().contains("c2VjcmV0"));
        }
        RegistryClient.builder().dockerConfig(tmp.getRoot().toPath().resolve("none.json")).build()
                .ping(Stack.registry());
    }
}
