package io.jenkins.plugins.immutable.registry;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A private instance of the stack's registry (Debian's docker-registry) on a port of the registry issue's range
 * (20000-20999), for tests that must stop a registry or touch its storage without disturbing the shared stack.
 */
public final class RegistryProcess implements AutoCloseable {

    private final Path dir;
    private final int port;
    private Process process;

    private RegistryProcess(Path dir, int port) {
        this.dir = dir;
        this.port = port;
    }

    public static RegistryProcess start(Path dir) throws IOException, InterruptedException {
        for (int tries = 0; tries < 50; tries++) {
            int port = 20000 + ThreadLocalRandom.current().nextInt(1000);
            try (ServerSocket probe = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                probe.setReuseAddress(true);
            } catch (IOException inUse) {
                continue;
            }
            RegistryProcess registry = new RegistryProcess(dir, port);
            Files.createDirectories(dir.resolve("data"));
            Files.writeString(dir.resolve("config.yml"), """
                    version: 0.1
                    log:
                      level: warn
                    storage:
                      filesystem:
                        rootdirectory: %s
                      delete:
                        enabled: true
                    http:
                      addr: 127.0.0.1:%d
                      secret: immutable-delivery-test
                    """.formatted(dir.resolve("data"), port));
            registry.begin();
            return registry;
        }
        throw new IOException("no free port in 20000-20999 for a test registry");
    }

    public String address() {
        return "127.0.0.1:" + port;
    }

    Path dataDir() {
        return dir.resolve("data");
    }

    /** The file holding a blob's bytes in the registry's filesystem storage. */
    Path blobFile(String hex) {
        return dataDir().resolve("docker/registry/v2/blobs/sha256/" + hex.substring(0, 2) + "/" + hex + "/data");
    }

    /** Starts the registry (again, after {@link #stop}: its storage is kept) and waits until it answers. */
    public void begin() throws IOException, InterruptedException {
        process = new ProcessBuilder("docker-registry", "serve", dir.resolve("config.yml").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("registry.log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            try {
                HttpURLConnection c = (HttpURLConnection) URI.create("http://" + address() + "/v2/").toURL()
                        .openConnection();
                c.setConnectTimeout(200);
                if (c.getResponseCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // starting
            }
            if (!process.isAlive()) {
                throw new IOException("docker-registry exited; see " + dir.resolve("registry.log"));
            }
            Thread.sleep(50);
        }
        throw new IOException("docker-registry did not come up on " + address());
    }

    /** Kills the registry at once, as a crash or a network cut would. */
    public void stop() {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void close() {
        stop();
    }
}
