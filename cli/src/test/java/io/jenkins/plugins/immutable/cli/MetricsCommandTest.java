package io.jenkins.plugins.immutable.cli;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.jenkins.plugins.immutable.ProgressListener;
import io.jenkins.plugins.immutable.image.Digest;
import io.jenkins.plugins.immutable.image.ImageManifest;
import io.jenkins.plugins.immutable.image.MediaTypes;
import io.jenkins.plugins.immutable.image.Repository;
import io.jenkins.plugins.immutable.ledger.DriftRecord;
import io.jenkins.plugins.immutable.ledger.Event;
import io.jenkins.plugins.immutable.ledger.Ledger;
import io.jenkins.plugins.immutable.ledger.LedgerLocation;
import io.jenkins.plugins.immutable.ledger.Outcome;
import io.jenkins.plugins.immutable.registry.RegistryClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** {@code immutable metrics} on ledgers written to the stack's registry a few hours ago. */
public class MetricsCommandTest {

    @ClassRule
    public static final TemporaryFolder TMP = new TemporaryFolder();

    private static Path dir;

    @BeforeClass
    public static void writeLedgers() throws Exception {
        RegistryClient client = RegistryClient.builder().build();
        Repository repo = Repository.parse(Stacks.registry() + "/" + Stacks.unique("cli-metrics"));
        Instant start = Instant.now().minus(Duration.ofHours(3));
        Digest v1 = image(client, repo, "1");
        Digest v2 = image(client, repo, "2");
        for (String env : new String[] {"dev", "prod"}) {
            LedgerLocation where = new LedgerLocation(repo, env);
            record(client, where, start, Event.promotion(v1, Outcome.DEPLOYED, "alice").withStrategy("rolling"));
            record(client, where, start.plus(Duration.ofHours(1)),
                    Event.promotion(v2, env.equals("prod") ? Outcome.FAILED : Outcome.DEPLOYED, "alice")
                            .withStrategy("rolling").withReason(env.equals("prod") ? "health check failed" : null));
        }
        // prod's drift checks: one that found a hand-made instance, then a clean one half an hour later
        LedgerLocation prod = new LedgerLocation(repo, "prod");
        record(client, prod, start.plus(Duration.ofMinutes(90)), Event.observed(new DriftRecord(v1, List.of(
                new DriftRecord.Difference("UNMANAGED", "prod-hand-made", "was not started by the engine"))), "carol"));
        record(client, prod, start.plus(Duration.ofMinutes(120)), Event.observed(new DriftRecord(v1, List.of()),
                "carol"));
        dir = TMP.getRoot().toPath();
        Files.writeString(dir.resolve("immutable.yaml"), """
                environments:
                  - name: dev
                    repository: %1$s
                    target: { docker: { ports: "28100-28119" } }
                  - name: prod
                    repository: %1$s
                    target: { docker: { ports: "28120-28139" } }
                """.formatted(repo));
    }

    private static Digest image(RegistryClient client, Repository repo, String content) {
        ImageManifest m = ImageManifest.builder(MediaTypes.OCI_MANIFEST)
                .config(client.pushBlob(repo, ("{\"v\":" + content + "}").getBytes(StandardCharsets.UTF_8))
                        .withMediaType(MediaTypes.OCI_CONFIG))
                .layer(client.pushBlob(repo, content.getBytes(StandardCharsets.UTF_8))
                        .withMediaType(MediaTypes.OCI_LAYER_GZIP))
                .build();
        client.putManifest(repo.digest(m.digest()), m);
        return m.digest();
    }

    private static void record(RegistryClient client, LedgerLocation where, Instant at, Event event) {
        Ledger ledger = new Ledger(client, Clock.fixed(at, java.time.ZoneOffset.UTC), Duration.ofMillis(20), 5);
        ledger.record(where, event, ProgressListener.NONE);
        if (event.outcome().makesLive()) {
            ledger.moveTag(where, event.digest());
        }
    }

    @Test
    public void theTerminalViewShowsEachEnvironmentBesideTheOverallFigures() {
        CliRun r = CliRun.run(dir, Map.of(), "metrics", "--since", "1d");
        assertEquals(r.toString(), 0, r.exitCode());
        assertTrue(r.out(), r.out().lines().anyMatch(l -> l.matches("\\s+dev\\s+prod\\s+all")));
        assertTrue(r.out(), r.out().lines().anyMatch(l -> l.matches(
                "M1 deployment success\\s+100% \\(2/2\\)\\s+50% \\(1/2\\)\\s+75% \\(3/4\\)")));
        assertTrue(r.out(), r.out().lines().anyMatch(l -> l.matches("change failure rate\\s+0% \\(0/2\\)\\s+50%"
                + " \\(1/2\\)\\s+25% \\(1/4\\)")));
        assertTrue(r.out(), r.out().lines().anyMatch(l -> l.matches("M4 drift incidents\\s+-\\s+1\\s+1")));
        assertTrue(r.out(), r.out().lines().anyMatch(l -> l.matches("time to clean \\(mean\\)\\s+-\\s+30m \\(1\\)"
                + "\\s+30m \\(1\\)")));
        assertTrue(r.out(), r.out().contains("note: M4 (drift incidents) is not measured in dev: no drift check is"
                + " recorded in its ledger"));
        assertTrue(r.out(), r.out().contains("no trusted keys to verify attestations with"));
    }

    @Test
    public void jsonAndOpenMetricsCarryTheSameFigures() throws Exception {
        CliRun json = CliRun.run(dir, Map.of(), "metrics", "--since", "1d", "--json");
        assertEquals(json.toString(), 0, json.exitCode());
        JsonNode m = Output.JSON.readTree(json.out());
        assertEquals(0.75, m.at("/overall/deploymentSuccessRate").asDouble(), 0);
        assertEquals("[\"prod\"]", m.at("/dora/environments").toString());
        assertTrue(m.get("provenanceCoverage").isNull());

        CliRun only = CliRun.run(dir, Map.of(), "metrics", "--since", "1d", "--env", "prod", "--format", "json");
        assertEquals(only.toString(), 0, only.exitCode());
        assertEquals(1, Output.JSON.readTree(only.out()).get("environments").size());

        CliRun om = CliRun.run(dir, Map.of(), "metrics", "--since", "1d", "--format", "openmetrics");
        assertEquals(om.toString(), 0, om.exitCode());
        assertTrue(om.out(), om.out().contains("immutable_delivery_deployment_success_ratio 0.75\n"));
        assertTrue(om.out(), om.out().contains("immutable_delivery_drift_incidents{environment=\"prod\"} 1\n"));
        assertEquals(1, m.at("/environments/1/figures/driftIncidents").asInt());
        assertTrue(m.at("/environments/0/figures/driftIncidents").isNull());
        assertTrue(om.out(), om.out().endsWith("# EOF\n"));
    }

    @Test
    public void aWindowOutsideTheLedgersHasNothingToCount() {
        CliRun r = CliRun.run(dir, Map.of(), "metrics", "--since", "10m", "--json");
        assertEquals(r.toString(), 0, r.exitCode());
        assertTrue(r.out(), r.out().contains("\"promotions\" : 0"));
    }

    @Test
    public void badWindowsAndFormatsAreBadInput() {
        CliRun r = CliRun.run(dir, Map.of(), "metrics", "--since", "yesterday");
        assertEquals(r.toString(), 2, r.exitCode());
        assertTrue(r.err(), r.err().contains("neither a duration"));
        r = CliRun.run(dir, Map.of(), "metrics", "--since", "2999-01-01");
        assertEquals(r.toString(), 2, r.exitCode());
        assertTrue(r.err(), r.err().contains("not in the past"));
        r = CliRun.run(dir, Map.of(), "metrics", "--format", "yaml");
        assertEquals(r.toString(), 2, r.exitCode());
        assertTrue(r.err(), r.err().contains("use text, json or openmetrics"));
        r = CliRun.run(dir, Map.of(), "metrics", "--env", "staging");
        assertEquals(r.toString(), 2, r.exitCode());
    }
}
