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
        Map<String, String> env = Map.of("XDG_CACHE_HOME", dir.resolve("xdg").toString());
        CliRun first = CliRun.run(dir, env, args);
        assertEquals(first.toString(), 0, first.exitCode());
        JsonNode result = Output.JSON.readTree(first.out());
        assertTrue(result.toString(), result.get("image").asText().startsWith(repository + ":1.0@sha256:"));
        assertEquals(io.jenkins.plugins.immutable.bake.Provenance.LAYER_BUILD_TYPE, result.at(
                "/provenance/predicate/buildDefinition/buildType").asText());
        Files.setLastModifiedTime(root.resolve("index.html"), java.nio.file.attribute.FileTime.fromMillis(0));
        CliRun second = CliRun.run(dir, env, args);
        assertEquals(second.toString(), 0, second.exitCode());
        assertEquals("the same inputs bake the same digest", result.get("digest"),
                Output.JSON.readTree(second.out()).get("digest"));
        CliRun mixed = CliRun.run(dir, Map.of(), "bake", ".", "--layer", "rootfs:/", "-t", repository + ":1.1");
        assertEquals(mixed.toString(), 2, mixed.exitCode());
    }

    @Test
    public void aSecondDaemonlessBakeOfUnchangedInputsTakesItsLayersFromTheCacheAndPushesNone() throws Exception {
        Path dir = tmp.getRoot().toPath();
        Files.writeString(Files.createDirectories(dir.resolve("site")).resolve("index.html"), "hello\n");
        Files.writeString(Files.createDirectories(dir.resolve("conf")).resolve("httpd.conf"), "H:/www\n");
        Map<String, String> env = Map.of("XDG_CACHE_HOME", dir.resolve("xdg").toString());
        String repository = Stacks.registry() + "/" + Stacks.unique("cli-bake");
        String[] args = {"bake", "--layer", "site:/www", "--layer", "conf:/etc", "-t", repository + ":1.0", "--json"};

        CliRun first = CliRun.run(dir, env, args);
        assertEquals(first.toString(), 0, first.exitCode());
        assertEquals(2, Output.JSON.readTree(first.out()).get("layersPushed").asInt());
        Path cache = dir.resolve("xdg/immutable/layers");
        try (var files = Files.list(cache)) {
            assertEquals("each layer kept in the cache under XDG_CACHE_HOME", 2, files.filter(f -> f.toString()
                    .endsWith(".tar.gz")).count());
        }

        CliRun second = CliRun.run(dir, env, args);
        assertEquals(second.toString(), 0, second.exitCode());
        JsonNode again = Output.JSON.readTree(second.out());
        assertEquals(Output.JSON.readTree(first.out()).get("digest"), again.get("digest"));
        assertEquals("nothing pushed again: " + second, 0, again.get("layersPushed").asInt());
        assertEquals("neither layer built again: " + second.err(), 2, second.err().lines()
                .filter(l -> l.contains("unchanged, from the cache")).count());

        Files.writeString(dir.resolve("site/index.html"), "hello again\n");
        CliRun changed = CliRun.run(dir, env, "bake", "--layer", "site:/www", "--layer", "conf:/etc", "-t",
                repository + ":1.1", "--json", "--cache-dir", "elsewhere");
        assertEquals(changed.toString(), 0, changed.exitCode());
        assertEquals("only the changed layer is pushed", 1, Output.JSON.readTree(changed.out()).get("layersPushed")
                .asInt());
        assertTrue("--cache-dir chooses the cache: " + changed.err(), Files.isDirectory(dir.resolve("elsewhere")));
        assertEquals(changed.err(), 0, changed.err().lines().filter(l -> l.contains("from the cache")).count());

        CliRun fresh = CliRun.run(dir, env, "bake", "--layer", "site:/www", "--layer", "conf:/etc", "-t",
                repository + ":1.0", "--no-cache");
        assertEquals(fresh.toString(), 0, fresh.exitCode());
        assertTrue("--no-cache builds every layer afresh: " + fresh.err(), fresh.err().lines()
                .noneMatch(l -> l.contains("from the cache")));
        CliRun both = CliRun.run(dir, env, "bake", "--layer", "site:/www", "-t", repository + ":1.0", "--no-cache",
                "--cache-dir", "elsewhere");
        assertEquals(both.toString(), 2, both.exitCode());
        CliRun docker = CliRun.run(dir, env, "bake", ".", "-t", repository + ":1.0", "--cache-dir", "elsewhere");
        assertEquals(docker.toString(), 2, docker.exitCode());
        assertTrue(docker.err(), docker.err().contains("--cache-dir is for daemonless builds"));
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
