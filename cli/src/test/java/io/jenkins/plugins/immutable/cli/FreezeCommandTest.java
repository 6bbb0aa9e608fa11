package io.jenkins.plugins.immutable.cli;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jenkins.plugins.immutable.image.ImageReference;
import io.jenkins.plugins.immutable.image.Repository;
import io.jenkins.plugins.immutable.registry.RegistryClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * {@code immutable freeze}, {@code unfreeze}, {@code status} and a refused {@code promote} against the stack's
 * registry, where the freeze is kept in the environment's ledger.
 */
public class FreezeCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Rule
    public final TemporaryFolder tmp = new TemporaryFolder();

    private final Repository repo = new Repository(Stacks.registry(), Stacks.unique("cli-freeze"));

    private CliRun run(String windows, String... args) throws Exception {
        Path dir = tmp.getRoot().toPath();
        Files.writeString(dir.resolve("immutable.yaml"), """
                environments:
                  - name: prod
                    repository: %s
                    target: { docker: { ports: "28140-28159" } }
                %s""".formatted(repo, windows == null ? "" : "    gates:\n      windows:\n" + windows));
        return CliRun.run(dir, Map.of("USER", "bob"), args);
    }

    @Test
    public void freezeRefusesPromotionsWithExit3NamingWhoWhenAndWhyUntilUnfreeze() throws Exception {
        ImageReference image = TestImages.push(RegistryClient.builder().build(), repo, "candidate",
                Map.of("app", "v1"));
        CliRun missing = run(null, "freeze", "prod");
        assertEquals(missing.toString(), 2, missing.exitCode());
        assertTrue(missing.err(), missing.err().contains("--reason"));

        CliRun frozen = run(null, "freeze", "prod", "--reason", "incident 4711");
        assertEquals(frozen.toString(), 0, frozen.exitCode());
        assertTrue(frozen.out(), frozen.out().matches("(?s)froze prod since \\S+ by bob \\(immutable CLI\\) \\(ledger"
                + " entry #1\\): incident 4711\\s*"));

        CliRun status = run(null, "--json", "status");
        assertEquals(status.toString(), 0, status.exitCode());
        JsonNode freeze = JSON.readTree(status.out()).get(0).get("freeze");
        assertTrue(freeze.get("frozen").asBoolean());
        assertEquals("bob (immutable CLI)", freeze.get("by").asText());
        assertEquals("incident 4711", freeze.get("reason").asText());
        CliRun table = run(null, "status");
        assertTrue(table.out(), table.out().contains("FROZEN by bob (immutable CLI) since "));

        CliRun refused = run(null, "promote", image.repository() + "@" + image.digest(), "--to", "prod");
        assertEquals(refused.toString(), 3, refused.exitCode());
        assertTrue(refused.err(), refused.err().contains("prod is frozen since " + freeze.get("since").asText()
                + " by bob (immutable CLI) (ledger entry #1): incident 4711"));
        assertTrue(refused.err(), refused.err().contains("--override-freeze REASON"));

        CliRun history = run(null, "--json", "history", "prod");
        JsonNode entry = JSON.readTree(history.out()).get("entries").get(0);
        assertEquals("freeze", entry.get("action").asText());
        assertTrue(entry.get("digest").isNull());
        assertEquals("recorded", entry.get("outcome").asText());
        assertTrue(run(null, "history", "prod").out().contains("freeze"));

        CliRun again = run(null, "unfreeze", "prod", "--reason", "resolved");
        assertEquals(again.toString(), 0, again.exitCode());
        assertTrue(again.out(), again.out().contains("unfroze prod"));
        assertFalse(JSON.readTree(run(null, "--json", "status").out()).get(0).get("freeze").get("frozen").asBoolean());
        assertTrue(run(null, "status").out().contains(" open"));
    }

    @Test
    public void aClosedWindowShowsInStatusAndRefusesPromotions() throws Exception {
        String closed = "        timeZone: Europe/Berlin\n        deny: ['00:00-24:00']\n";
        CliRun status = run(closed, "--json", "status");
        assertEquals(status.toString(), 0, status.exitCode());
        JsonNode window = JSON.readTree(status.out()).get(0).get("window");
        assertFalse(window.get("open").asBoolean());
        assertEquals("inside the denied window 00:00-24:00 (Europe/Berlin)", window.get("why").asText());
        assertTrue(run(closed, "status").out().contains("CLOSED (inside the denied window 00:00-24:00"));

        CliRun refused = run(closed, "promote", repo + "@sha256:" + "0".repeat(64), "--to", "prod");
        assertEquals(refused.toString(), 3, refused.exitCode());
        assertTrue(refused.err(), refused.err().contains("prod takes promotions only in its windows, and now is inside"
                + " the denied window 00:00-24:00 (Europe/Berlin); it does not open in the next 14 days"));

        CliRun bad = run("        allow: ['Mon-Fri 9-17']\n", "status");
        assertEquals(bad.toString(), 2, bad.exitCode());
        assertTrue(bad.err(), bad.err().matches("(?s).*immutable\\.yaml:7:\\d+: environments\\[0]\\.gates\\.windows"
                + "\\.allow\\[0]: 'Mon-Fri 9-17' is not a window.*"));
    }
}
