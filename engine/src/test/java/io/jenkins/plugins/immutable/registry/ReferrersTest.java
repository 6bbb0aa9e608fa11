package io.jenkins.plugins.immutable.registry;

import static io.jenkins.plugins.immutable.registry.RegistryClientTest.image;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.jenkins.plugins.immutable.image.Descriptor;
import io.jenkins.plugins.immutable.image.Digest;
import io.jenkins.plugins.immutable.image.ImageIndex;
import io.jenkins.plugins.immutable.image.ImageManifest;
import io.jenkins.plugins.immutable.image.Manifest;
import io.jenkins.plugins.immutable.image.MediaTypes;
import io.jenkins.plugins.immutable.image.Repository;
import io.jenkins.plugins.immutable.testing.Stack;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.After;
import org.junit.Test;

/** Referrers: the OCI 1.1 API where a registry has it, the {@code sha256-<hex>} tag schema where it has not. */
public class ReferrersTest {

    private final RegistryClient client = RegistryClient.builder().build();
    private HttpServer server;

    @After
    public void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    private ImageManifest artifact(Repository repo, String artifactType, Descriptor subject, int seed) {
        return ImageManifest.builder(MediaTypes.OCI_MANIFEST).artifactType(artifactType)
                .config(client.pushBlob(repo, "{}".getBytes(StandardCharsets.UTF_8)).withMediaType(MediaTypes.OCI_EMPTY))
                .layer(client.pushBlob(repo, RegistryClientTest.random(500, seed)).withMediaType(artifactType))
                .subject(subject).annotation("org.opencontainers.image.created", "2026-01-0" + seed % 9 + "T00:00:00Z")
                .build();
    }

    @Test
    public void onARegistryWithoutTheApiReferrersAreKeptInTheTagSchemaIndex() {
        Repository repo = new Repository(Stack.registry(), Stack.uniqueRepository("referrers"));
        ImageManifest subject = image(client, repo, MediaTypes.OCI_MANIFEST, 201);
        client.putManifest(repo.tag("v1"), subject);
        assertTrue(client.referrers(repo, subject.digest(), null).isEmpty());

        ImageManifest bundle = artifact(repo, MediaTypes.SIGSTORE_BUNDLE, subject.descriptor(), 2);
        ImageManifest sbom = artifact(repo, "application/spdx+json", subject.descriptor(), 3);
        client.putManifest(repo.digest(bundle.digest()), bundle);
        client.putManifest(repo.digest(sbom.digest()), sbom);
        client.putManifest(repo.digest(sbom.digest()), sbom); // stored twice, listed once

        List<Descriptor> all = client.referrers(repo, subject.digest(), null);
        assertEquals(List.of(bundle.digest(), sbom.digest()), all.stream().map(Descriptor::digest).toList());
        assertEquals(MediaTypes.SIGSTORE_BUNDLE, all.get(0).artifactType());
        assertEquals(bundle.annotations(), all.get(0).annotations());
        List<Descriptor> onlySbom = client.referrers(repo, subject.digest(), "application/spdx+json");
        assertEquals(List.of(sbom.digest()), onlySbom.stream().map(Descriptor::digest).toList());

        Manifest fallback = client.getManifest(repo.tag(subject.digest().tagSafe()));
        assertTrue(fallback instanceof ImageIndex);
        assertEquals(MediaTypes.OCI_INDEX, fallback.mediaType());
    }

    /**
     * The API path. No registry with the OCI 1.1 referrers API runs here (Debian's registry 2.8.2 predates it), so
     * the smallest HTTP server that answers {@code GET /v2/<name>/referrers/<digest>} as the distribution spec 1.1
     * describes stands in for one, paging with a Link header.
     */
    @Test
    public void whereTheRegistryHasTheReferrersApiItIsUsedAcrossPages() throws Exception {
        Digest subject = Digest.sha256(new byte[] {1});
        Descriptor a = Descriptor.of(MediaTypes.OCI_MANIFEST, new byte[] {2}).withArtifactType(MediaTypes.SIGSTORE_BUNDLE);
        Descriptor b = Descriptor.of(MediaTypes.OCI_MANIFEST, new byte[] {3}).withArtifactType("application/spdx+json");
        List<String> asked = new ArrayList<>();
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/v2/team/app/referrers/", exchange -> {
            asked.add(exchange.getRequestURI().toString());
            boolean second = exchange.getRequestURI().getQuery() != null
                    && exchange.getRequestURI().getQuery().contains("page=2");
            ImageIndex page = ImageIndex.builder(MediaTypes.OCI_INDEX).manifest(second ? b : a).build();
            if (!second) {
                exchange.getResponseHeaders().add("Link", "</v2/team/app/referrers/" + subject + "?page=2>; rel=\"next\"");
            }
            exchange.getResponseHeaders().add("Content-Type", MediaTypes.OCI_INDEX);
            byte[] body = page.bytes();
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        Repository repo = new Repository("127.0.0.1:" + server.getAddress().getPort(), "team/app");

        assertEquals(List.of(a, b), client.referrers(repo, subject, null));
        assertEquals(List.of(b), client.referrers(repo, subject, "application/spdx+json"));
        assertEquals("/v2/team/app/referrers/" + subject, asked.get(0));
    }
}
