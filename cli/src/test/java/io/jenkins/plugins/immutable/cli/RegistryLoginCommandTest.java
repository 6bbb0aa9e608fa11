package io.jenkins.plugins.immutable.cli;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * A registry login read from {@code <ID>_USERNAME} and {@code <ID>_PASSWORD}, against the stack's htpasswd registry,
 * with the password put in the user variable by mistake: the registry refuses it, and neither the plain nor the
 * {@code --json} output (its error document, on standard output) prints it. The message names the variables instead.
 */
public class RegistryLoginCommandTest {

    @ClassRule
    public static final TemporaryFolder TMP = new TemporaryFolder();

    private static Path dir;

    @BeforeClass
    public static void configuration() throws Exception {
        dir = TMP.newFolder("work").toPath();
        assertEquals(0, CliRun.run(dir, Map.of("COSIGN_PASSWORD", ""), "keygen").exitCode());
        Files.writeString(dir.resolve("immutable.yaml"), "registries:\n"
                + "  - host: " + Stacks.require("IMMUTABLE_AUTH_REGISTRY") + "\n"
                + "    credentialsId: registry-auth\n");
    }

    @Test
    public void aPasswordInTheUserVariableIsRefusedByTheRegistryAndPrintedNowhere() throws Exception {
        String secret = "Xq7" + UUID.randomUUID().toString().replace("-", "") + "Zk9";
        String password = Files.readString(Path.of(Stacks.require("IMMUTABLE_AUTH_REGISTRY_PASSWORD_FILE"))).strip();
        Map<String, String> env = Map.of("REGISTRY_AUTH_USERNAME", secret, "REGISTRY_AUTH_PASSWORD", password);
        String image = Stacks.require("IMMUTABLE_AUTH_REGISTRY") + "/" + Stacks.unique("cli-login") + ":1.0";
        for (boolean json : new boolean[] {false, true}) {
            CliRun run = json ? CliRun.run(dir, env, "verify", image, "--key", "cosign.pub", "--json")
                    : CliRun.run(dir, env, "verify", image, "--key", "cosign.pub");
            assertEquals(run.toString(), 2, run.exitCode());
            assertFalse(run.toString(), run.toString().contains(secret.substring(0, 4)));
            assertFalse(run.toString(), run.toString().contains(password));
            String message = run.err();
            if (json) {
                JsonNode doc = Output.tree(run.out());
                message = doc.path("error").path("message").asText();
            }
            assertTrue(run.toString(), message.contains("unauthorized: registry "
                    + Stacks.require("IMMUTABLE_AUTH_REGISTRY") + " refused the credentials of user (not shown: its "
                    + secret.length() + " characters look more like a password or token than a user name) from the"
                    + " environment variables REGISTRY_AUTH_USERNAME and REGISTRY_AUTH_PASSWORD"));
        }
    }
}
