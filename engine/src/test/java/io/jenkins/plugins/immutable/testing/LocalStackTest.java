package io.jenkins.plugins.immutable.testing;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.BuildImageResultCallback;
import com.github.dockerjava.api.model.PushResponseItem;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import io.jenkins.plugins.immutable.image.Digest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * Proves the local stack end to end: the project's dockerd builds a FROM-scratch image with busybox, pushes it to
 * the local registry, and the registry's HTTP API serves the same manifest digest the push reported.
 */
public class LocalStackTest {

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    @Test
    public void dockerdBuildsAScratchImageThatTheRegistryServesUnderThePushedDigest() throws Exception {
        Path context = tmp.newFolder("context").toPath();
        Files.copy(Path.of("/bin/busybox"), context.resolve("busybox"), StandardCopyOption.COPY_ATTRIBUTES);
        Files.writeString(context.resolve("Dockerfile"), """
                FROM scratch
                COPY busybox /bin/busybox
                RUN ["/bin/busybox", "--install", "-s", "/bin"]
                CMD ["/bin/sh", "-c", "echo hello from scratch"]
                """);
        String repository = Stack.registry() + "/" + Stack.uniqueRepository("smoke");
        String tag = "v1";

        DefaultDockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder()
                .withDockerHost(Stack.dockerHost()).build();
        try (ApacheDockerHttpClient http = new ApacheDockerHttpClient.Builder()
                        .dockerHost(config.getDockerHost()).build();
                DockerClient docker = DockerClientImpl.getInstance(config, http)) {
            String imageId = docker.buildImageCmd(context.toFile())
                    .withTags(Set.of(repository + ":" + tag))
                    .exec(new BuildImageResultCallback())
                    .awaitImageId();
            assertNotNull(imageId);

            AtomicReference<String> pushed = new AtomicReference<>();
            docker.pushImageCmd(repository).withTag(tag).exec(new ResultCallback.Adapter<PushResponseItem>() {
                @Override
                public void onNext(PushResponseItem item) {
                    if (item.getErrorDetail() != null) {
                        throw new IllegalStateException("push failed: " + item.getErrorDetail().getMessage());
                    }
                    if (item.getAux() != null && item.getAux().getDigest() != null) {
                        pushed.set(item.getAux().getDigest());
                    }
                }
            }).awaitCompletion();
            assertNotNull("the push reported no digest", pushed.get());

            String path = repository.substring(Stack.registry().length() + 1);
            HttpResponse<byte[]> manifest = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create("http://" + Stack.registry() + "/v2/" + path + "/manifests/" + tag))
                    .header("Accept", "application/vnd.docker.distribution.manifest.v2+json,"
                            + "application/vnd.oci.image.manifest.v1+json")
                    .build(), HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, manifest.statusCode());
            Digest ofBytes = Digest.sha256(manifest.body());
            assertEquals(pushed.get(), ofBytes.toString());
            assertEquals(pushed.get(), manifest.headers().firstValue("Docker-Content-Digest").orElseThrow());
        }
    }
}
