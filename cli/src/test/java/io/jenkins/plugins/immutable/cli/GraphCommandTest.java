package io.jenkins.plugins.immutable.cli;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * The command line over a promotion graph, against the stack's registry (the ledgers are read there): status in graph
 * order with each environment's upstream, history saying where an environment takes from, promote without an image
 * saying which upstream to take from, and a cycle refused at its line.
 */
public class GraphCommandTest {

    @Rule
    public final TemporaryFolder tmp = new TemporaryFolder();

    private final String repository = Stacks.registry() + "/" + Stacks.unique("cli-graph");

    /** prod and prod-acme take from staging; prod-eu from staging or hotfix, whichever holds the digest. */
    private String graph() {
        return """
                environments:
                  - name: prod-eu
                    repository: %1$s
                    target: { docker: { ports: "28160-28169" } }
                    upstream: [staging, hotfix]
                    requires: any
                  - name: dev
                    repository: %1$s
                    target: { docker: { ports: "28160-28169" } }
                    upstream: []
                  - name: staging
                    repository: %1$s
                    target: { docker: { ports: "28160-28169" } }
                    upstream: dev
                  - name: prod
                    repository: %1$s
                    target: { docker: { ports: "28160-28169" } }
                    upstream: [staging]
                  - name: prod-acme
                    repository: %1$s
                    target: { docker: { ports: "28160-28169" } }
                    upstream: [staging]
                  - name: hotfix
                    repository: %1$s
                    target: { docker: { ports: "28160-28169" } }
                    upstream: []
                """.formatted(repository);
    }

    private CliRun run(String yaml, String... args) throws Exception {
        Path dir = tmp.getRoot().toPath();
        Files.writeString(dir.resolve("immutable.yaml"), yaml);
        return CliRun.run(dir, Map.of(), args);
    }

    @Test
    public void statusShowsEachEnvironmentAfterItsUpstreamsWithThem() throws Exception {
        CliRun r = run(graph(), "status", "--json");
        assertEquals(r.toString(), 0, r.exitCode());
        JsonNode envs = Output.JSON.readTree(r.out());
        List<String> order = new ArrayList<>();
        envs.forEach(e -> order.add(e.get("environment").asText()));
        assertEquals(List.of("dev", "staging", "prod", "prod-acme", "hotfix", "prod-eu"), order);
        assertEquals("[\"staging\",\"hotfix\"]", envs.get(5).get("upstream").toString());
        assertEquals("any", envs.get(5).get("requires").asText());
        assertEquals("[\"prod\",\"prod-acme\",\"prod-eu\"]", envs.get(1).get("downstream").toString());

        CliRun human = run(graph(), "status");
        assertEquals(human.toString(), 0, human.exitCode());
        assertTrue(human.out(), human.out().startsWith("ENVIRONMENT  UPSTREAM                LIVE"));
        assertTrue(human.out(), human.out().lines()
                .anyMatch(l -> l.matches("prod-eu\\s+any of staging, hotfix\\s+-.*")));
        assertTrue(human.out(), human.out().lines().anyMatch(l -> l.matches("prod-acme\\s+staging\\s+-.*")));

        CliRun history = run(graph(), "history", "staging");
        assertEquals(history.toString(), 0, history.exitCode());
        assertTrue(history.out(), history.out().startsWith("staging takes digests from dev; prod, prod-acme, prod-eu"
                + " take from it\n"));
    }

    @Test
    public void promoteWithoutAnImageTakesFromTheOnlyUpstreamOrAsksWhichOne() throws Exception {
        CliRun several = run(graph(), "promote", "--to", "prod-eu");
        assertEquals(several.toString(), 2, several.exitCode());
        assertTrue(several.err(), several.err().contains("prod-eu takes digests from 2 upstream environments"
                + " (staging, hotfix, requires any), which may each run another digest: name the image to promote,"
                + " or the environment to take its live digest from (--from staging)"));

        CliRun nothingLive = run(graph(), "promote", "--to", "prod-eu", "--from", "hotfix");
        assertEquals(nothingLive.toString(), 3, nothingLive.exitCode());
        assertTrue(nothingLive.err(), nothingLive.err().contains("nothing is live in hotfix according to its ledger"));

        CliRun root = run(graph(), "promote", "--to", "dev");
        assertEquals(root.toString(), 2, root.exitCode());
        assertTrue(root.err(), root.err().contains("dev takes digests straight from builds"));

        CliRun notUpstream = run(graph(), "promote", "--to", "prod", "--from", "hotfix");
        assertEquals(notUpstream.toString(), 2, notUpstream.exitCode());
        assertTrue(notUpstream.err(), notUpstream.err().contains("hotfix is not upstream of prod, which takes digests"
                + " from staging"));

        CliRun both = run(graph(), "promote", repository + "@sha256:" + "0".repeat(64), "--to", "prod", "--from",
                "staging");
        assertEquals(both.toString(), 2, both.exitCode());
        assertTrue(both.err(), both.err().contains("give either IMAGE or --from staging, not both"));
    }

    @Test
    public void aCycleIsRefusedAtItsLineBeforeAnythingIsRead() throws Exception {
        String cycle = graph().replace("upstream: dev", "upstream: [dev, prod]");
        CliRun r = run(cycle, "status");
        assertEquals(r.toString(), 2, r.exitCode());
        assertTrue(r.err(), r.err().contains("immutable.yaml:18:16: environments[3].upstream[0]: prod's upstream"
                + " 'staging' closes a cycle: staging -> prod -> staging"));
    }
}
