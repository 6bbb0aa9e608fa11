package io.jenkins.plugins.immutable.cli;

import io.jenkins.plugins.immutable.image.Digest;
import io.jenkins.plugins.immutable.image.ImageManifest;
import io.jenkins.plugins.immutable.image.ImageReference;
import io.jenkins.plugins.immutable.image.MediaTypes;
import io.jenkins.plugins.immutable.image.Repository;
import io.jenkins.plugins.immutable.registry.RegistryClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

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

    /**
     * Pushes a runnable image under {@code repository:tag}, built through the registry alone: Debian's static busybox
     * serving {@code version} at {@code /} on {@code $PORT} (what the Docker target gives an instance), stopping on
     * SIGTERM. With {@code configMatchesLayers} false, its config names a layer it does not have (a wrong
     * {@code rootfs.diff_ids}), which the Docker engine refuses to pull. Returns it pinned.
     */
    static ImageReference serving(RegistryClient client, Repository repository, String tag, String version,
            boolean configMatchesLayers) {
        ByteArrayOutputStream tar = new ByteArrayOutputStream();
        try (TarArchiveOutputStream out = new TarArchiveOutputStream(tar)) {
            out.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            put(out, "bin/busybox", Files.readAllBytes(Path.of("/bin/busybox")), 0755);
            TarArchiveEntry sh = new TarArchiveEntry("bin/sh", TarConstants.LF_SYMLINK);
            sh.setLinkName("busybox");
            out.putArchiveEntry(sh);
            out.closeArchiveEntry();
            put(out, "www/index.html", (version + "\n").getBytes(StandardCharsets.UTF_8), 0644);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        byte[] layer = gzip(tar.toByteArray());
        Digest diffId = configMatchesLayers ? Digest.sha256(tar.toByteArray())
                : Digest.sha256(("not the layer of " + version).getBytes(StandardCharsets.UTF_8));
        byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"Cmd\":[\"/bin/sh\",\"-c\","
                + "\"/bin/busybox httpd -f -p 127.0.0.1:$PORT -h /www & pid=$!; trap 'kill $pid; exit 0' TERM;"
                + " wait $pid\"]},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" + diffId + "\"]}}")
                .getBytes(StandardCharsets.UTF_8);
        ImageManifest manifest = ImageManifest.builder(MediaTypes.OCI_MANIFEST)
                .config(client.pushBlob(repository, config).withMediaType(MediaTypes.OCI_CONFIG))
                .layer(client.pushBlob(repository, layer).withMediaType(MediaTypes.OCI_LAYER_GZIP))
                .build();
        return client.putManifest(repository.tag(tag), manifest);
    }

    private static void put(TarArchiveOutputStream tar, String name, byte[] content, int mode) throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(name);
        e.setSize(content.length);
        e.setMode(mode);
        tar.putArchiveEntry(e);
        tar.write(content);
        tar.closeArchiveEntry();
    }

    private static byte[] gzip(byte[] bytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static byte[] tarGz(Map<String, String> files) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GZIPOutputStream(bytes))) {
            for (Map.Entry<String, String> f : new java.util.TreeMap<>(files).entrySet()) {
                put(tar, f.getKey(), f.getValue().getBytes(StandardCharsets.UTF_8), 0644);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }
}
