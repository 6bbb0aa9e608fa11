package io.jenkins.plugins.immutable.cli;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.jenkins.plugins.immutable.ProgressListener;
import io.jenkins.plugins.immutable.image.Digest;
import io.jenkins.plugins.immutable.image.ImageManifest;
import io.jenkins.plugins.immutable.image.MediaTypes;
import io.jenkins.plugins.immutable.image.Repository;
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
import java.util.Map;
import org.junit.Test;

/** {@code immutable prune} on the stack's registry: a plan by default, deletion with --apply. */
public class PruneCommandTest {

    private final RegistryClient client = RegistryClient.builder().build();
    private final Repository repo = new Repository(Stacks.registry(), "cli-prune/app-" + System.nanoTime());

    private Digest push(String name, Instant created, String tag) {
        String config = "{\"os\":\"linux\",\"architecture\":\"amd64\",\"name\":\"" + name + "\",\"created\":\""
                + created + "\"}";
        ImageManifest m = ImageManifest.builder(MediaTypes.OCI_MANIFEST)
                .config(client.pushBlob(repo, config.getBytes(StandardCharsets.UTF_8))
                        .withMediaType(MediaTypes.OCI_CONFIG))
                .layer(client.pushBlob(repo, name.getBytes(StandardCharsets.UTF_8))
                        .withMediaType(MediaTypes.OCI_LAYER_GZIP))
                .build();
        client.putManifest(repo.tag(tag), m);
        return m.digest();
    }

    @Test
    public void planListsWhatGoesAndWhyWithoutDeletingThenApplyDeletesOnlyThat() throws Exception {
        Instant longAgo = Instant.now().minus(Duration.ofDays(90));
        LedgerLocation prod = new LedgerLocation(repo, "prod");
        Ledger old = new Ledger(client, Clock.offset(Clock.systemUTC(), Duration.ofDays(-90)), Duration.ofMillis(50),
                5);
        Digest[] v = new Digest[4];
        for (int i = 1; i <= 3; i++) {
            v[i] = push("v" + i, longAgo, "build-" + i);
            old.record(prod, Event.promotion(v[i], Outcome.DEPLOYED, "ci"), ProgressListener.NONE);
            old.moveTag(prod, v[i]);
        }
        Path dir = Files.createTempDirectory("cli-prune");
        Files.writeString(dir.resolve("immutable.yaml"), """
                environments:
                  - name: prod
                    repository: %s
                    target: { docker: { ports: "28140-28159" } }
                retention:
                  keepLastGood: 2
                  keepWithin: 30d
                """.formatted(repo));

        CliRun plan = CliRun.run(dir, Map.of(), "prune", "--keep");
        assertEquals(plan.toString(), 0, plan.exitCode());
        assertTrue(plan.out(), plan.out().contains("1 manifest to delete"));
        assertTrue(plan.out(), plan.out().contains("build-1") && plan.out().contains("not among any environment's last 2"));
        assertTrue(plan.out(), plan.out().contains("live: live in prod"));
        assertTrue(plan.out(), plan.out().contains("Nothing was deleted: this is the plan"));
        assertTrue(client.headManifest(repo.digest(v[1])).isPresent());

        CliRun applied = CliRun.run(dir, Map.of(), "prune", "--apply", "--json");
        assertEquals(applied.toString(), 0, applied.exitCode());
        JsonNode json = Output.JSON.readTree(applied.out());
        assertEquals(1, json.get("deleted").asInt());
        assertEquals(v[1].toString(), json.get("delete").get(0).get("digest").asText());
        assertFalse(client.headManifest(repo.digest(v[1])).isPresent());
        assertTrue(client.headManifest(repo.digest(v[2])).isPresent());
        assertTrue(client.headManifest(repo.digest(v[3])).isPresent());

        CliRun again = CliRun.run(dir, Map.of(), "prune");
        assertTrue(again.out(), again.out().contains("Nothing to delete"));
    }

    @Test
    public void aPolicyKeepingNoRollbackTargetIsBadInputNamingTheField() throws Exception {
        Path dir = Files.createTempDirectory("cli-prune");
        Files.writeString(dir.resolve("immutable.yaml"), """
                environments:
                  - name: prod
                    repository: %s
                    target: { docker: { ports: "28140-28159" } }
                retention:
                  keepLastGood: 0
                """.formatted(repo));
        CliRun r = CliRun.run(dir, Map.of(), "prune");
        assertEquals(r.toString(), 2, r.exitCode());
        assertTrue(r.err(), r.err().contains("immutable.yaml:6:") && r.err().contains("retention.keepLastGood"));
    }
}
