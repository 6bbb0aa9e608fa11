package io.jenkins.plugins.immutable.cli;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.jenkins.plugins.immutable.ProgressListener;
import io.jenkins.plugins.immutable.image.ImageReference;
import io.jenkins.plugins.immutable.image.Repository;
import io.jenkins.plugins.immutable.ledger.Event;
import io.jenkins.plugins.immutable.ledger.Ledger;
import io.jenkins.plugins.immutable.ledger.LedgerLocation;
import io.jenkins.plugins.immutable.ledger.Outcome;
import io.jenkins.plugins.immutable.registry.RegistryClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * {@code immutable rescan} and {@code status} on the stack's registry: an advisory published into the database
 * between two runs puts the environment at risk (exit 3), and status then flags it from the attested re-scan.
 */
public class RescanCommandTest {

    private static final String PASSWORD = "rescan test password";

    @Rule
    public final TemporaryFolder tmp = new TemporaryFolder();

    @Test
    public void aNewAdvisoryPutsTheLiveDigestAtRiskInRescanAndInStatus() throws Exception {
        Path dir = tmp.newFolder("work").toPath();
        assertEquals(0, CliRun.run(dir, Map.of("COSIGN_PASSWORD", PASSWORD), "keygen").exitCode());
        RegistryClient client = RegistryClient.builder().build();
        Repository repo = Repository.parse(Stacks.registry() + "/" + Stacks.unique("cli-rescan"));
        ImageReference image = TestImages.push(client, repo, "1.0", TestImages.DEBIAN_WITH_OLD_GLIBC);
        LedgerLocation prod = new LedgerLocation(repo, "prod");
        Ledger ledger = new Ledger(client);
        ledger.record(prod, Event.promotion(image.digest(), Outcome.DEPLOYED, "ci"), ProgressListener.NONE);
        ledger.moveTag(prod, image.digest());
        String publicKey = Files.readString(dir.resolve("cosign.pub")).indent(8);
        Files.writeString(dir.resolve("immutable.yaml"), """
                environments:
                  - name: prod
                    repository: %s
                    target: { docker: { ports: "28160-28169" } }
                signing:
                  trustedKeys:
                    - id: release
                      publicKey: |
                %s
                scan:
                  failOn: high
                """.formatted(repo, publicKey));

        // The database before the glibc advisory was published: only the other ecosystems.
        Path db = tmp.newFolder("osv").toPath();
        Files.createDirectories(db.resolve("npm"));
        Files.copy(Stacks.osvDatabase().resolve("npm/GHSA-hrpp-h998-j3pp.json"),
                db.resolve("npm/GHSA-hrpp-h998-j3pp.json"));
        CliRun first = CliRun.run(dir, Map.of("COSIGN_PASSWORD", PASSWORD), "rescan", "--db", db.toString(),
                "--attest", "--key", "cosign.key", "--json");
        assertEquals(first.toString(), 0, first.exitCode());
        JsonNode report = Output.JSON.readTree(first.out());
        assertFalse(report.toString(), report.get("atRisk").asBoolean());
        assertEquals("PASSING", report.get("environments").get(0).get("status").asText());
        assertEquals(image.digest().toString(), report.get("scans").get(0).get("digest").asText());
        assertEquals(1, report.get("scans").get(0).get("attestedIn").size());
        assertEquals("recorded", report.get("environments").get(0).get("recorded").get("result").asText());
        assertEquals(2, report.get("environments").get(0).get("recorded").get("entry").asInt());

        CliRun passing = CliRun.run(dir, Map.of(), "status");
        assertEquals(passing.toString(), 0, passing.exitCode());
        assertTrue(passing.out(), passing.out().contains("passed "));
        assertFalse(passing.out(), passing.out().contains("AT RISK"));

        Files.createDirectories(db.resolve("Debian"));
        Files.copy(Stacks.osvDatabase().resolve("Debian/DSA-5514-1.json"), db.resolve("Debian/DSA-5514-1.json"));
        CliRun second = CliRun.run(dir, Map.of("COSIGN_PASSWORD", PASSWORD), "rescan", "--db", db.toString(),
                "--attest", "--key", "cosign.key");
        assertEquals(second.toString(), 3, second.exitCode());
        assertTrue(second.out(), second.out().contains("prod is AT RISK: its live digest "
                + image.digest().shortForm() + " fails its policy today"));
        assertTrue(second.out(), second.out().contains("DSA-5514-1"));
        assertTrue(second.err(), second.err().contains("prod is AT RISK"));
        assertTrue(second.out(), second.out().contains("recorded in the ledger of prod as entry #3"));

        // The ledger's history shows both re-scans as observations; --decisions leaves them out.
        CliRun history = CliRun.run(dir, Map.of(), "history", "prod", "--json");
        assertEquals(history.toString(), 0, history.exitCode());
        JsonNode entries = Output.JSON.readTree(history.out()).get("entries");
        assertEquals(3, entries.size());
        JsonNode atRisk = entries.get(2);
        assertEquals("rescan", atRisk.get("action").asText());
        assertEquals("observation", atRisk.get("kind").asText());
        assertEquals("at-risk", atRisk.get("finding").asText());
        assertEquals(1, atRisk.get("rescan").get("digests").get(0).get("counts").get("high").asInt());
        assertEquals("passing", entries.get(1).get("finding").asText());
        CliRun decisions = CliRun.run(dir, Map.of(), "history", "prod", "--decisions");
        assertEquals(decisions.toString(), 0, decisions.exitCode());
        assertFalse(decisions.out(), decisions.out().lines().anyMatch(l -> l.matches("\\d+\\s+\\S+\\s+rescan\\s.*")));
        CliRun all = CliRun.run(dir, Map.of(), "history", "prod");
        assertTrue(all.out(), all.out().lines().anyMatch(l -> l.matches("3\\s+\\S+\\s+rescan\\s+-\\s+observed:"
                + " at-risk\\s+.*")));

        CliRun status = CliRun.run(dir, Map.of(), "status", "--json");
        assertEquals(status.toString(), 0, status.exitCode());
        JsonNode prodStatus = Output.JSON.readTree(status.out()).get(0);
        assertTrue(prodStatus.toString(), prodStatus.get("atRisk").asBoolean());
        assertFalse(prodStatus.get("scan").get("passed").asBoolean());
        CliRun human = CliRun.run(dir, Map.of(), "status");
        assertTrue(human.out(), human.out().contains("prod is AT RISK: its live digest " + image.digest().shortForm()));
    }
}
