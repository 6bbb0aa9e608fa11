package io.jenkins.plugins.immutable.bake;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.BuildImageResultCallback;
import io.jenkins.plugins.immutable.testing.Stack;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * The context sent to the engine holds exactly what the Docker CLI itself sends: the same tricky .dockerignore is
 * given to both, and the files that reach the image are compared.
 */
public class BuildContextTest {

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    @Test
    public void sendsExactlyWhatTheDockerCliSendsForTheSameDockerignore() throws Exception {
        Path context = tmp.newFolder("context").toPath();
        write(context, ".dockerignore", """
                # build outputs
                target
                **/*.log
                !important.log
                secrets/
                docs/*
                !docs/keep.md
                Dockerfile
                *.tmp
                !**/keep.tmp
                cache
                !cache/keep.txt
                /sub/../space?name
                """);
        write(context, "Dockerfile", "FROM scratch\nCOPY . /ctx/\n");
        for (String file : List.of("target/app.jar", "a.log", "sub/b.log", "important.log", "sub/important.log",
                "secrets/key", "secrets/keep.tmp", "docs/a.md", "docs/keep.md", "x.tmp", "sub/keep.tmp", "cache/keep.txt",
                "cache/other.txt", "src/Main.java", "space name", "spacexname/inner", "README.md")) {
            write(context, file, "content of " + file + "\n");
        }
        Files.createDirectories(context.resolve("emptydir"));
        Files.createSymbolicLink(context.resolve("link"), Path.of("src/Main.java"));

        List<String> byCli = filesInImage(buildWithCli(context));
        List<String> byEngine = filesInImage(buildWithBuildContext(context));

        assertEquals(byCli, byEngine);
        // and the comparison is not vacuous: the rules did cut and re-include; "!**/keep.tmp" does not reach into the
        // ignored secrets/ (the CLI enters an ignored directory only for an exception that starts with its path)
        assertTrue(byEngine.toString(), byEngine.containsAll(List.of("ctx/important.log", "ctx/docs/keep.md",
                "ctx/cache/keep.txt", "ctx/sub/keep.tmp", "ctx/link", "ctx/emptydir/", "ctx/.dockerignore", "ctx/src/Main.java")));
        for (String absent : List.of("ctx/target/", "ctx/a.log", "ctx/sub/b.log", "ctx/sub/important.log",
                "ctx/secrets/", "ctx/docs/a.md", "ctx/x.tmp", "ctx/cache/other.txt", "ctx/Dockerfile",
                "ctx/space name", "ctx/spacexname/")) {
            assertFalse(absent + " should be ignored: " + byEngine, byEngine.contains(absent));
        }
    }

    @Test
    public void aDockerfileOutsideTheContextIsSentButHiddenFromCopy() throws Exception {
        Path context = tmp.newFolder("context2").toPath();
        write(context, "app.txt", "app\n");
        Path dockerfile = tmp.newFolder("elsewhere").toPath().resolve("Build.dockerfile");
        Files.writeString(dockerfile, "FROM scratch\nCOPY . /ctx/\n");
        BuildContext buildContext = new BuildContext(context, dockerfile);
        assertTrue(buildContext.dockerfileName().startsWith(".dockerfile."));
        assertEquals(List.of("app.txt", ".dockerignore", buildContext.dockerfileName()), buildContext.entries());

        List<String> inImage = filesInImage(build(buildContext));
        assertEquals(List.of("ctx/", "ctx/.dockerignore", "ctx/app.txt"), inImage);
    }

    private static void write(Path root, String relative, String content) throws IOException {
        Path file = root.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
    }

    private String buildWithCli(Path context) throws Exception {
        return run("docker", "build", "-q", context.toString()).strip();
    }

    private String buildWithBuildContext(Path context) throws Exception {
        return build(new BuildContext(context, null));
    }

    private String build(BuildContext buildContext) throws Exception {
        Path tar = tmp.newFile().toPath();
        try (OutputStream out = Files.newOutputStream(tar)) {
            buildContext.writeTo(out);
        }
        try (DockerClient docker = DockerEngine.at(Stack.dockerHost()).connect();
                InputStream in = Files.newInputStream(tar)) {
            return docker.buildImageCmd(in).withDockerfilePath(buildContext.dockerfileName())
                    .exec(new BuildImageResultCallback()).awaitImageId();
        }
    }

    /** The files under /ctx in the image, listed by the Docker CLI. */
    private List<String> filesInImage(String image) throws Exception {
        String container = run("docker", "create", image, "/none").strip();
        try {
            Path archive = tmp.newFile().toPath();
            run("sh", "-c", "docker cp " + container + ":/ctx - > " + archive);
            List<String> names = new ArrayList<>(List.of(run("tar", "tf", archive.toString()).split("\n")));
            names.sort(null);
            return names;
        } finally {
            run("docker", "rm", container);
            run("docker", "rmi", "-f", image);
        }
    }

    private static String run(String... command) throws Exception {
        Path errors = Files.createTempFile("docker-cli", ".err");
        ProcessBuilder pb = new ProcessBuilder(command).redirectError(errors.toFile());
        pb.environment().put("DOCKER_HOST", Stack.dockerHost());
        pb.environment().put("DOCKER_BUILDKIT", "0"); // the classic builder, which docker-java's API calls use too
        Process process = pb.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(5, TimeUnit.MINUTES) || process.exitValue() != 0) {
            throw new AssertionError(String.join(" ", command) + " failed: " + output + Files.readString(errors));
        }
        Files.delete(errors);
        return output;
    }
}
