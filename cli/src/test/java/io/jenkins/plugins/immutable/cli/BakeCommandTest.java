package io.jenkins.plugins.immutable.cli;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** bake on the stack's Docker engine, then sign with the provenance it wrote, as a release job would. */
public class BakeCommandTest {

    @Rule
    public final TemporaryFolder tmp = new TemporaryFolder();

    @Test
    public void bakedImageIsPinnedAndItsProvenanceAttestsAndVerifies() throws Exception {
        Path dir = tmp.getRoot().toPath();
        Path context = Files.createDirectories(dir.resolve("context"));
        Files.copy(Path.of("/bin/busybox"), context.resolve("busybox"));
        Files.writeString(context.resolve("Dockerfile"), "FROM scratch\nCOPY busybox /bin/busybox\n"
                + "ARG GREETING\nCMD [\"/bin/busybox\", \"true\"]\n");
        Map<String, String> env = Map.of("DOCKER_HOST", Stacks.require("DOCKER_HOST"), "COSIGN_PASSWORD", "");
        String repository = Stacks.registry() + "/" + Stacks.unique("cli-bake");

        CliRun bake = CliRun.run(dir, env, "bake", "context", "-t", repository + ":1.0", "--build-arg",
                "GREETING=hello", "--source-repository", "https://example.com/team/app.git", "--source-commit",
                "0123456789abcdef0123456789abcdef01234567", "--provenance", "provenance.json", "--json");
        assertEquals(bake.toString(), 0, bake.exitCode());
        JsonNode result = Output.JSON.readTree(bake.out());
        String pinned = result.get("image").asText();
        assertTrue(pinned, pinned.startsWith(repository + ":1.0@sha256:"));
        assertEquals("hello", result.at("/provenance/predicate/buildDefinition/externalParameters/buildArgs/GREETING")
                .asText());
        assertEquals(Output.JSON.readTree(Files.readString(dir.resolve("provenance.json"))), result.get("provenance"));

        assertEquals(0, CliRun.run(dir, env, "keygen").exitCode());
        CliRun sign = CliRun.run(dir, env, "sign", pinned, "--key", "cosign.key", "--attest", "provenance.json");
        assertEquals(sign.toString(), 0, sign.exitCode());
        assertTrue(sign.out(), sign.out().contains("attested https://slsa.dev/provenance/v1"));
        CliRun verify = CliRun.run(dir, env, "verify", pinned, "--key", "cosign.pub", "--attestation",
                "slsaprovenance1");
        assertEquals(verify.toString(), 0, verify.exitCode());
    }

    @Test
    public void daemonlessBakeIsReproducible() throws Exception {
        Path dir = tmp.getRoot().toPath();
        Path root = Files.createDirectories(dir.resolve("rootfs/www"));
        Files.writeString(root.resolve("index.html"), "hello\n");
        String repository = Stacks.registry() + "/" + Stacks.unique("cli-bake");
        String[] args = {"bake", "--layer", "rootfs:/", "--cmd", "/bin/busybox,httpd,-f", "--env", "MODE=demo",
            "-t", repository + ":1.0", "--json"};
        CliRun first = CliRun.run(dir, Map.of(), args);
        assertEquals(first.toString(), 0, first.exitCode());
        JsonNode result = Output.JSON.readTree(first.out());
        assertTrue(result.toString(), result.get("image").asText().startsWith(repository + ":1.0@sha256:"));
        assertEquals(io.jenkins.plugins.immutable.bake.Provenance.LAYER_BUILD_TYPE, result.at(
                "/provenance/predicate/buildDefinition/buildType").asText());
        Files.setLastModifiedTime(root.resolve("index.html"), java.nio.file.attribute.FileTime.fromMillis(0));
        CliRun second = CliRun.run(dir, Map.of(), args);
        assertEquals(second.toString(), 0, second.exitCode());
        assertEquals("the same inputs bake the same digest", result.get("digest"),
                Output.JSON.readTree(second.out()).get("digest"));
        CliRun mixed = CliRun.run(dir, Map.of(), "bake", ".", "--layer", "rootfs:/", "-t", repository + ":1.1");
        assertEquals(mixed.toString(), 2, mixed.exitCode());
    }

    @Test
    public void aFailingDockerfileLineIsBadInputNamingTheLine() throws Exception {
        Path dir = tmp.getRoot().toPath();
        Files.writeString(dir.resolve("Dockerfile"), "FROM scratch\nCOPY missing-file /x\n");
        CliRun bake = CliRun.run(dir, Map.of("DOCKER_HOST", Stacks.require("DOCKER_HOST")), "bake", ".", "-t",
                Stacks.registry() + "/" + Stacks.unique("cli-bake") + ":1.0");
        assertEquals(bake.toString(), 2, bake.exitCode());
        assertTrue(bake.err(), bake.err().contains("Dockerfile line 2"));
    }
}
