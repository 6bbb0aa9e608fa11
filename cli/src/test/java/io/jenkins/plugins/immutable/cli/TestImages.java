package io.jenkins.plugins.immutable.cli;

import io.jenkins.plugins.immutable.image.ImageManifest;
import io.jenkins.plugins.immutable.image.ImageReference;
import io.jenkins.plugins.immutable.image.MediaTypes;
import io.jenkins.plugins.immutable.image.Repository;
import io.jenkins.plugins.immutable.registry.RegistryClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/** Small images pushed straight to a registry, for tests that need something to sign, scan or promote. */
final class TestImages {

    /** Debian 12 with libc6 from glibc 2.36-9+deb12u1: testdata/osv-db's DSA-5514-1 (high) matches it. */
    static final Map<String, String> DEBIAN_WITH_OLD_GLIBC = Map.of(
            "etc/os-release", "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nID=debian\nVERSION_ID=\"12\"\n"
                    + "VERSION_CODENAME=bookworm\n",
            "var/lib/dpkg/status", "Package: libc6\nStatus: install ok installed\nArchitecture: amd64\n"
                    + "Source: glibc\nVersion: 2.36-9+deb12u1\n\n");

    private TestImages() {
    }

    /** Pushes a one-layer image with these files under {@code repository:tag}; returns it pinned. */
    static ImageReference push(RegistryClient client, Repository repository, String tag, Map<String, String> files) {
        byte[] layer = tarGz(files);
        byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{},\"rootfs\":{\"type\":\"layers\","
                + "\"diff_ids\":[]}}").getBytes(StandardCharsets.UTF_8);
        ImageManifest manifest = ImageManifest.builder(MediaTypes.OCI_MANIFEST)
                .config(client.pushBlob(repository, config).withMediaType(MediaTypes.OCI_CONFIG))
                .layer(client.pushBlob(repository, layer).withMediaType(MediaTypes.OCI_LAYER_GZIP))
                .build();
        return client.putManifest(repository.tag(tag), manifest);
    }

    static byte[] tarGz(Map<String, String> files) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GZIPOutputStream(bytes))) {
            for (Map.Entry<String, String> f : new java.util.TreeMap<>(files).entrySet()) {
                byte[] content = f.getValue().getBytes(StandardCharsets.UTF_8);
                TarArchiveEntry e = new TarArchiveEntry(f.getKey());
                e.setSize(content.length);
                e.setMode(0644);
                tar.putArchiveEntry(e);
                tar.write(content);
                tar.closeArchiveEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }
}
