package io.jenkins.plugins.immutable.cli;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Container;
import io.jenkins.plugins.immutable.deploy.docker.DockerClients;
import io.jenkins.plugins.immutable.deploy.docker.DockerHostTarget;
import io.jenkins.plugins.immutable.image.Digest;
import io.jenkins.plugins.immutable.image.Repository;
import io.jenkins.plugins.immutable.ledger.Ledger;
import io.jenkins.plugins.immutable.ledger.LedgerEntry;
import io.jenkins.plugins.immutable.ledger.LedgerHistory;
import io.jenkins.plugins.immutable.ledger.LedgerLocation;
import io.jenkins.plugins.immutable.ledger.Outcome;
import io.jenkins.plugins.immutable.registry.RegistryClient;
import io.jenkins.plugins.immutable.sign.KeyFiles;
import io.jenkins.plugins.immutable.sign.SignatureVerifier;
import io.jenkins.plugins.immutable.sign.TrustPolicy;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * The demo end to end, as README's first command runs it: the built jar in a process of its own, on the local stack.
 * Afterwards the ledgers are read back independently of the CLI: prod holds the good digest, the bad one is recorded
 * as failed and rolled back, the variant prod-acme (also downstream of staging) serves the first version beside it,
 * every ledger's chain is intact and every digest in it carries the demo's signature. Then status, history and
 * drift, again through the jar, read the same ledgers.
 */
public class DemoIT {

    @ClassRule
    public static final TemporaryFolder TMP = new TemporaryFolder();

    private static Path workdir;
    private static JsonNode demo;

    /** The process' result: exit code, standard output, and the path of its standard error. */
    record Run(int exitCode, String out, Path err) {
        String errText() throws IOException {
            return Files.readString(err, StandardCharsets.UTF_8);
        }
    }

    @BeforeClass
    public static void runTheDemo() throws Exception {
        workdir = TMP.newFolder("demo").toPath();
        Run run = jar(15, "demo", "--json", "--progress", "plain", "--workdir", workdir.toString());
        assertEquals("the demo's log:\n" + tail(run.errText(), 80), 0, run.exitCode());
        demo = Output.JSON.readTree(run.out());
    }

    /** The demo leaves its last version serving, for people to look at; a test leaves the shared stack as it found it. */
    @AfterClass
    public static void removeTheDemosInstances() throws Exception {
        try (DockerClient docker = DockerClients.connect(Stacks.require("DOCKER_HOST"))) {
            for (String env : Demo.ENVIRONMENTS) {
                for (Container c : docker.listContainersCmd().withShowAll(true)
                        .withLabelFilter(Map.of(DockerHostTarget.ENVIRONMENT, env)).exec()) {
                    docker.removeContainerCmd(c.getId()).withForce(true).exec();
                }
            }
            // the variant runs on Swarm: its services are <environment>-<track>
            for (var service : docker.listServicesCmd().exec()) {
                if (service.getSpec().getName().startsWith(Demo.VARIANT + "-")) {
                    docker.removeServiceCmd(service.getId()).exec();
                }
            }
        }
    }

    @Test
    public void prodHoldsTheGoodDigestAndTheBadOneWasRolledBack() throws Exception {
        Digest good = Digest.parse(demo.at("/versions/1.1").asText());
        Digest bad = Digest.parse(demo.at("/versions/1.2").asText());
        LedgerHistory prod = ledger().read(location("prod"));
        assertEquals(good, prod.live().orElseThrow());
        assertEquals(good, RegistryClient.builder().build()
                .resolve(location("prod").environmentReference()).digest());
        List<LedgerEntry> ofBad = prod.entries().stream().filter(e -> bad.equals(e.digest())).toList();
        assertEquals(1, ofBad.size());
        assertEquals(Outcome.FAILED, ofBad.get(0).outcome());
        assertEquals(good, ofBad.get(0).previousDigest());
        assertTrue(ofBad.get(0).reason(), ofBad.get(0).reason().contains("canary analysis"));
        for (String env : List.of("dev", "staging")) {
            assertEquals(env + " took the bad version: only prod's canary is judged", bad,
                    ledger().read(location(env)).live().orElseThrow());
        }
    }

    @Test
    public void theVariantTookFromStagingAndServesAnotherDigestThanProd() throws Exception {
        Digest first = Digest.parse(demo.at("/versions/1.0").asText());
        LedgerHistory acme = ledger().read(location(Demo.VARIANT));
        assertEquals(first, acme.live().orElseThrow());
        assertEquals(Digest.parse(demo.at("/versions/1.1").asText()), ledger().read(location("prod")).live()
                .orElseThrow());
        LedgerEntry entry = acme.entries().get(0);
        assertEquals("rolling", entry.event().strategy());
        assertTrue(entry.event().gates().toString(), entry.event().gates().get(1).startsWith(
                "previous-environment: passed, deployed in staging"));
        assertEquals("staging", demo.at("/environments/" + Demo.VARIANT + "/upstream").asText());
    }

    @Test
    public void everyLedgerIsIntactAndEveryDigestInItIsSignedByTheDemo() throws Exception {
        RegistryClient client = RegistryClient.builder().build();
        TrustPolicy policy = TrustPolicy.of(KeyFiles.readPublicKeys(workdir.resolve("cosign.pub"))).withAnyIdentity();
        int entries = 0;
        int observations = 0;
        for (String env : Demo.ENVIRONMENTS) {
            LedgerLocation where = location(env);
            assertTrue(ledger().verify(where).describe(), ledger().verify(where).intact());
            for (LedgerEntry e : ledger().read(where).entries()) {
                if (e.action().isObservation()) {
                    observations++;
                    continue; // the demo's drift check: it names no digest of its own
                }
                new SignatureVerifier(client).verify(where.repository().digest(e.digest()), policy).requireVerified();
                entries++;
            }
        }
        assertEquals("three versions through three environments, the first also to prod-acme", 10, entries);
        assertEquals("one drift check recorded per environment", Demo.ENVIRONMENTS.size(), observations);
    }

    @Test
    public void statusHistoryAndDriftReadTheSameLedgersThroughTheJar() throws Exception {
        String config = workdir.resolve("immutable.yaml").toString();
        Run status = jar(2, "--config", config, "status", "--json");
        assertEquals(status.errText(), 0, status.exitCode());
        JsonNode envs = Output.JSON.readTree(status.out());
        assertEquals(demo.at("/versions/1.1").asText(), envs.get(2).get("live").asText());
        assertEquals(Demo.VARIANT, envs.get(3).get("environment").asText());
        assertEquals("[\"staging\"]", envs.get(3).get("upstream").toString());
        assertEquals(demo.at("/versions/1.0").asText(), envs.get(3).get("live").asText());

        Run history = jar(2, "--config", config, "history", "prod");
        assertEquals(history.errText(), 0, history.exitCode());
        assertTrue(history.out(), history.out().contains("failed"));
        assertTrue(history.out(), history.out().contains("is intact"));

        Run drift = jar(2, "--config", config, "drift", "prod");
        assertEquals(drift.out() + drift.errText(), 0, drift.exitCode());
        assertTrue(drift.out(), drift.out().contains("unchanged since entry #4 of prod"));

        // the demo's drift checks were recorded: M4 is measured, and no environment drifted
        Run metrics = jar(2, "--config", config, "metrics");
        assertEquals(metrics.errText(), 0, metrics.exitCode());
        assertTrue(metrics.out(), metrics.out().lines().anyMatch(l -> l.matches(
                "M4 drift incidents\\s+0\\s+0\\s+0\\s+0\\s+0")));
    }

    /** The demo ends with commands to paste: each, run by a shell from the checkout as printed, works. */
    @Test
    public void theCommandsTheDemoEndsWithRunAsPrinted() throws Exception {
        List<String> commands = new ArrayList<>();
        demo.get("lookAround").forEach(c -> commands.add(c.asText()));
        assertEquals(4, commands.size());
        for (String command : commands) {
            Path out = Files.createTempFile(TMP.getRoot().toPath(), "look", ".txt");
            Process p = new ProcessBuilder("bash", "-c", command).directory(Path.of("..").toFile())
                    .redirectErrorStream(true).redirectOutput(out.toFile()).start();
            p.getOutputStream().close();
            assertTrue(command + " did not finish", p.waitFor(3, TimeUnit.MINUTES));
            assertEquals(command + "\n" + Files.readString(out), 0, p.exitValue());
        }
    }

    /**
     * The demo's story in numbers: three versions through dev, staging and prod, the third failing prod's canary
     * analysis and rolled back; every digest built with provenance and scanned.
     */
    @Test
    public void metricsOfTheDemoSayWhatItDid() throws Exception {
        String config = workdir.resolve("immutable.yaml").toString();
        Run run = jar(2, "--config", config, "metrics", "--json", "--since", "1d");
        assertEquals(run.errText(), 0, run.exitCode());
        JsonNode m = Output.JSON.readTree(run.out());
        JsonNode overall = m.get("overall");
        assertEquals(10, overall.get("promotions").asInt());
        assertEquals(9, overall.get("deployed").asInt());
        assertEquals(0, overall.get("leadTimeUnmeasured").asInt());
        assertEquals(9, overall.at("/leadTime/count").asInt());
        JsonNode prod = m.at("/environments/2");
        assertEquals("prod", prod.get("environment").asText());
        JsonNode p = prod.get("figures");
        assertEquals(2 / 3.0, p.get("deploymentSuccessRate").asDouble(), 1e-12);
        assertEquals(1, p.get("rollbacks").asInt());
        assertEquals("the failed canary's rollback is timed from the journal", 1, p.at("/timeToRollback/count").asInt());
        assertTrue(p.toString(), p.at("/timeToRollback/meanSeconds").asDouble() > 0);
        assertEquals("1.0 was prod's first deployment, not judged; 1.1 passed, 1.2 failed", 2,
                p.get("canaries").asInt());
        assertEquals(0.5, p.get("canaryPassRate").asDouble(), 1e-12);
        assertEquals(1 / 3.0, p.get("changeFailureRate").asDouble(), 1e-12);
        assertEquals(demo.at("/versions/1.1").asText(), prod.at("/live/digest").asText());
        // production and its variant are the graph's leaves: the DORA keys count the deployments of both
        assertEquals("[\"prod\",\"" + Demo.VARIANT + "\"]", m.at("/dora/environments").toString());
        assertEquals("two deployments into prod (the third failed), one into prod-acme, in a day", 3.0,
                m.at("/dora/deploymentsPerDay").asDouble(), 1e-9);
        assertEquals(3, m.get("liveDigests").asInt());
        assertEquals(1.0, m.get("provenanceCoverage").asDouble(), 0);
        assertEquals(3, m.get("liveDigestsScanned").asInt());
        assertTrue(m.get("vulnerabilityDensity").isNumber());

        Run text = jar(2, "--config", config, "metrics", "--since", "1d");
        assertEquals(text.errText(), 0, text.exitCode());
        assertTrue(text.out(), text.out().contains("M1 deployment success"));
        assertTrue(text.out(), text.out().contains("66.7% (2/3)"));
        Run exposition = jar(2, "--config", config, "metrics", "--format", "openmetrics", "--since", "1d");
        assertEquals(exposition.errText(), 0, exposition.exitCode());
        assertTrue(exposition.out(), exposition.out().contains(
                "immutable_delivery_promotions{environment=\"prod\",outcome=\"failed\"} 1\n"));
        assertTrue(exposition.out(), exposition.out().endsWith("# EOF\n"));
    }

    @Test
    public void theSummaryTimesEveryStep() {
        List<String> steps = new ArrayList<>();
        demo.get("steps").forEach(s -> {
            steps.add(s.get("step").asText() + " " + s.get("version").asText());
            assertTrue(s.toString(), s.get("seconds").asDouble() > 0);
            assertTrue(s.toString(), s.get("asExpected").asBoolean());
        });
        assertTrue(steps.toString(), steps.contains("bake, daemonless (LayerBaker) 1.0"));
        assertTrue(steps.toString(), steps.contains("bake, Docker engine 1.1"));
        assertTrue(steps.toString(), steps.contains("promote to " + Demo.VARIANT + " (rolling) 1.0"));
        assertTrue(steps.toString(), steps.contains("drift check, recorded -"));
        assertEquals(steps.toString(), 20, steps.size());
        assertTrue(demo.get("asExpected").asBoolean());
        assertFalse(demo.get("problems").elements().hasNext());
    }

    private static LedgerLocation location(String env) {
        return new LedgerLocation(Repository.parse(demo.at("/environments/" + env + "/repository").asText()), env);
    }

    private static Ledger ledger() {
        return new Ledger(RegistryClient.builder().build());
    }

    /** Runs the shaded jar in a process of its own, with this process' environment (the stack's addresses). */
    static Run jar(int minutes, String... args) throws IOException, InterruptedException {
        Path jar = Path.of("target", "immutable.jar").toAbsolutePath();
        assertTrue(jar + " is built in the package phase, before this test", Files.isRegularFile(jar));
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-jar", jar.toString()));
        command.addAll(List.of(args));
        Path err = Files.createTempFile(TMP.getRoot().toPath(), "stderr", ".txt");
        Path out = Files.createTempFile(TMP.getRoot().toPath(), "stdout", ".txt");
        Process p = new ProcessBuilder(command).redirectError(err.toFile()).redirectOutput(out.toFile()).start();
        p.getOutputStream().close();
        if (!p.waitFor(minutes, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("immutable " + String.join(" ", args) + " did not finish in " + minutes
                    + " minutes:\n" + tail(Files.readString(err), 40));
        }
        return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), err);
    }

    private static String tail(String text, int lines) {
        List<String> all = text.lines().toList();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }
}
