package io.jenkins.plugins.immutable.deploy;

import com.github.dockerjava.api.DockerClient;
import io.jenkins.plugins.immutable.image.Digest;
import io.jenkins.plugins.immutable.testing.Stack;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Test images built FROM scratch with Debian's static busybox and pushed to the stack's registry: {@link #serving}
 * runs {@code busybox httpd} on {@code 127.0.0.1:$PORT} and answers {@code /} with its version; {@link #broken} exits
 * at once, as an image with a bad configuration does.
 */
public final class TestImages {

    private final DockerClient docker;
    private final String repository;

    public TestImages(DockerClient docker, String prefix) {
        this.docker = docker;
        this.repository = Stack.registry() + "/" + Stack.uniqueRepository(prefix);
    }

    public String repository() {
        return repository;
    }

    public Digest serving(String version) throws IOException, InterruptedException {
        return serving(version, Map.of());
    }

    /** As {@link #serving(String)}, with more files in the image (path relative to its root, text content). */
    public Digest serving(String version, Map<String, String> files) throws IOException, InterruptedException {
        // The shell is PID 1, which ignores SIGTERM unless it traps it: stop the server and exit on it, as a well-behaved
        // image does.
        return build(version, "[\"/bin/sh\", \"-c\", \"/bin/busybox httpd -f -p 127.0.0.1:$PORT -h /www & pid=$!;"
                + " trap 'kill $pid; exit 0' TERM; wait $pid\"]", files);
    }

    public Digest broken(String version) throws IOException, InterruptedException {
        return build(version, "[\"/bin/sh\", \"-c\", \"echo 'missing configuration: DATABASE_URL'; exit 3\"]", Map.of());
    }

    private Digest build(String version, String cmd, Map<String, String> extraFiles)
            throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("image");
        try {
            Files.copy(Path.of("/bin/busybox"), dir.resolve("busybox"));
            Files.createDirectories(dir.resolve("www"));
            Files.writeString(dir.resolve("www/index.html"), version + "\n");
            Files.createDirectories(dir.resolve("extra"));
            for (Map.Entry<String, String> f : extraFiles.entrySet()) {
                Path file = dir.resolve("extra").resolve(f.getKey());
                Files.createDirectories(file.getParent());
                Files.writeString(file, f.getValue());
            }
            Files.writeString(dir.resolve("Dockerfile"), """
                    FROM scratch
                    COPY busybox /bin/busybox
                    COPY busybox /bin/sh
                    COPY busybox /bin/wget
                    COPY www /www
                    COPY extra /
                    CMD %s
                    """.formatted(cmd));
            String tag = repository + ":" + version;
            docker.buildImageCmd(dir.toFile()).withTags(Set.of(tag)).start().awaitImageId();
            docker.pushImageCmd(repository).withTag(version).start().awaitCompletion();
            return docker.inspectImageCmd(tag).exec().getRepoDigests().stream()
                    .filter(d -> d.startsWith(repository + "@")).map(d -> Digest.parse(d.substring(d.indexOf('@') + 1)))
                    .findFirst().orElseThrow(() -> new IllegalStateException(tag + " was pushed but has no digest"));
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
