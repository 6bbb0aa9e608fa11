package io.jenkins.plugins.immutable.testing;

import com.cloudbees.plugins.credentials.CredentialsScope;
import com.cloudbees.plugins.credentials.SecretBytes;
import com.cloudbees.plugins.credentials.SystemCredentialsProvider;
import com.cloudbees.plugins.credentials.common.StandardCredentials;
import com.cloudbees.plugins.credentials.impl.UsernamePasswordCredentialsImpl;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Container;
import hudson.util.Secret;
import io.jenkins.plugins.immutable.config.ImmutableDeliveryConfiguration;
import io.jenkins.plugins.immutable.config.RegistryEntry;
import io.jenkins.plugins.immutable.config.ScanSettings;
import io.jenkins.plugins.immutable.config.SigningKeyEntry;
import io.jenkins.plugins.immutable.config.SigningSettings;
import io.jenkins.plugins.immutable.config.TrustedKeyEntry;
import io.jenkins.plugins.immutable.deploy.docker.DockerClients;
import io.jenkins.plugins.immutable.image.Digest;
import io.jenkins.plugins.immutable.image.ImageManifest;
import io.jenkins.plugins.immutable.image.MediaTypes;
import io.jenkins.plugins.immutable.image.Repository;
import io.jenkins.plugins.immutable.registry.RegistryClient;
import io.jenkins.plugins.immutable.sign.SigningKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.jenkinsci.plugins.plaincredentials.impl.FileCredentialsImpl;
import org.jenkinsci.plugins.plaincredentials.impl.StringCredentialsImpl;

/** Sets Jenkins up as an administrator would: credentials, the Immutable Delivery configuration, test images. */
public final class Fixtures {

    /** The password of the signing key the fixtures store; the tests check that no log shows it. */
    public static final String KEY_PASSWORD = "correct horse battery staple 7f3a";

    private Fixtures() {
    }

    public static void addCredentials(StandardCredentials c) throws IOException {
        SystemCredentialsProvider.getInstance().getCredentials().add(c);
        SystemCredentialsProvider.getInstance().save();
    }

    /** The stack's auth registry login as username/password credentials {@code id}. */
    public static RegistryEntry authRegistry(String id) throws Exception {
        addCredentials(new UsernamePasswordCredentialsImpl(CredentialsScope.GLOBAL, id, "stack registry",
                Stack.authRegistryUser(), Stack.authRegistryPassword()));
        RegistryEntry registry = new RegistryEntry(Stack.authRegistry());
        registry.setCredentialsId(id);
        return registry;
    }

    /**
     * A new cosign key, encrypted, stored as secret file credentials {@code <id>-key} with its password as secret text
     * {@code <id>-password}; configured as signing key and trusted key {@code id}.
     */
    public static SigningSettings signing(String id) throws Exception {
        try (SigningKey key = SigningKey.generate()) {
            byte[] pem = key.toEncryptedPem(KEY_PASSWORD.toCharArray()).getBytes(StandardCharsets.UTF_8);
            addCredentials(new FileCredentialsImpl(CredentialsScope.GLOBAL, id + "-key", "cosign key", "cosign.key",
                    SecretBytes.fromRawBytes(pem)));
            addCredentials(new StringCredentialsImpl(CredentialsScope.GLOBAL, id + "-password", "cosign key password",
                    Secret.fromString(KEY_PASSWORD)));
            SigningKeyEntry entry = new SigningKeyEntry(id, id + "-key");
            entry.setPasswordCredentialsId(id + "-password");
            SigningSettings signing = new SigningSettings();
            signing.setKeys(List.of(entry));
            signing.setTrustedKeys(List.of(new TrustedKeyEntry(id, key.publicKey().toPem())));
            return signing;
        }
    }

    /** Scan settings over the repository's test OSV database. */
    public static ScanSettings scan(String failOn) {
        ScanSettings scan = new ScanSettings();
        scan.setDatabase(Stack.osvDatabase().toString());
        scan.setFailOn(failOn);
        return scan;
    }

    public static ImmutableDeliveryConfiguration config() {
        return ImmutableDeliveryConfiguration.get();
    }

    /** A small image (config and one layer, told apart by {@code n}) pushed by digest only; its digest. */
    public static Digest image(RegistryClient client, Repository repo, int n) {
        String config = "{\"os\":\"linux\",\"architecture\":\"amd64\",\"n\":" + n + "}";
        ImageManifest m = ImageManifest.builder(MediaTypes.OCI_MANIFEST)
                .config(client.pushBlob(repo, config.getBytes(StandardCharsets.UTF_8))
                        .withMediaType(MediaTypes.OCI_CONFIG))
                .layer(client.pushBlob(repo, ("layer " + n + repo).getBytes(StandardCharsets.UTF_8))
                        .withMediaType(MediaTypes.OCI_LAYER_GZIP))
                .build();
        client.putManifest(repo.digest(m.digest()), m);
        return m.digest();
    }

    /**
     * The root file system of a small web service: Debian's static busybox serving {@code /www} on {@code $PORT}
     * (the deployment target gives each instance its port), {@code /health} for the health check, and the
     * os-release and dpkg record of a Debian 12 busybox that the test OSV database has two advisories for (medium
     * severity; one fixed in 1:1.35.0-4+deb12u1).
     */
    public static Path webService(Path dir, String version) throws IOException {
        return webService(dir, version, false);
    }

    /**
     * {@link #webService(Path, String)} with {@code /cgi-bin/app} too: it answers its version, or, when
     * {@code failing}, 500 to every request (the bad release a canary must catch).
     */
    public static Path webService(Path dir, String version, boolean failing) throws IOException {
        Path busybox = Path.of("/bin/busybox");
        if (!Files.isRegularFile(busybox)) {
            throw new IllegalStateException("/bin/busybox is missing: apt-get install busybox-static (scripts/stack up"
                    + " installs it)");
        }
        Path root = Files.createDirectories(dir.resolve("rootfs-" + version));
        Files.createDirectories(root.resolve("bin"));
        Files.copy(busybox, root.resolve("bin/busybox"));
        Files.copy(busybox, root.resolve("bin/sh"));
        Files.createDirectories(root.resolve("www"));
        Files.writeString(root.resolve("www/index.html"), "version " + version + "\n");
        Files.writeString(root.resolve("www/health"), "ok\n");
        Path app = Files.createDirectories(root.resolve("www/cgi-bin")).resolve("app");
        Files.writeString(app, "#!/bin/sh\n" + (failing
                ? "printf 'Status: 500 Internal Server Error\\r\\nContent-Type: text/plain\\r\\n\\r\\nversion %s failed\\n' "
                : "printf 'Content-Type: text/plain\\r\\n\\r\\nversion %s\\n' ") + version + "\n");
        Files.createDirectories(root.resolve("etc"));
        Files.writeString(root.resolve("etc/os-release"), "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\n"
                + "NAME=\"Debian GNU/Linux\"\nVERSION_ID=\"12\"\nVERSION_CODENAME=bookworm\nID=debian\n");
        Path status = Files.createDirectories(root.resolve("var/lib/dpkg/status.d"));
        Files.writeString(status.resolve("busybox-static"), "Package: busybox-static\nStatus: install ok installed\n"
                + "Architecture: amd64\nSource: busybox\nVersion: 1:1.35.0-4\n");
        for (Path p : List.of(root.resolve("bin/busybox"), root.resolve("bin/sh"), app)) {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        return root;
    }

    /** The command of {@link #webService}: busybox httpd on $PORT, stopping on SIGTERM. */
    public static final String WEB_SERVICE_COMMAND = "['/bin/sh', '-c', '/bin/busybox httpd -f -p 127.0.0.1:$PORT"
            + " -h /www & pid=$!; trap \"kill $pid; exit 0\" TERM; wait $pid']";

    /** Removes the containers a test's deployments started in an environment. */
    public static void removeInstances(String environment) throws IOException {
        try (DockerClient docker = DockerClients.connect(Stack.dockerHost())) {
            List<Container> containers = docker.listContainersCmd().withShowAll(true)
                    .withLabelFilter(Map.of("io.jenkins.immutable.environment", environment)).exec();
            for (Container c : containers) {
                docker.removeContainerCmd(c.getId()).withForce(true).exec();
            }
        }
    }
}
