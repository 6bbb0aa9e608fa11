package io.jenkins.plugins.immutable.cli;

import io.jenkins.plugins.immutable.EngineException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;

/**
 * The demo's web service: Debian's static busybox serving {@code /} through a CGI script that prints its version, FROM
 * scratch, with busybox's {@code wget} for health checks run inside it (Swarm's). A bad version answers 500 to one
 * request in five (at random), which only a canary's metrics reveal: its health check passes. Like a distroless
 * image, it carries {@code /etc/os-release} and the dpkg record of the package its binary came from, so the scanner
 * knows what it is.
 */
final class DemoImages {

    static final Path BUSYBOX = Path.of("/bin/busybox");
    private static final Path DPKG_STATUS = Path.of("/var/lib/dpkg/status");
    private static final Path OS_RELEASE = Path.of("/etc/os-release");

    /** A demo run again in the same --workdir writes its contexts over the last run's. */
    private static final java.nio.file.CopyOption REPLACE = java.nio.file.StandardCopyOption.REPLACE_EXISTING;

    private DemoImages() {
    }

    /**
     * Writes the build context of one version into {@code dir}: the files of the image under {@code rootfs/} and a
     * Dockerfile that copies them, so the daemonless baker and the Docker engine build the same thing.
     *
     * @param failEvery 0 for a good version; n for one that answers 500 to one request in n
     */
    static Path context(Path dir, String version, int failEvery) {
        if (!Files.isRegularFile(BUSYBOX)) {
            throw EngineException.badInput(BUSYBOX + " is missing: the demo's image is Debian's busybox-static"
                    + " (`apt-get install busybox-static`; scripts/stack up installs it)");
        }
        try {
            Path root = Files.createDirectories(dir.resolve("rootfs"));
            Files.createDirectories(root.resolve("bin"));
            Files.copy(BUSYBOX, root.resolve("bin/busybox"), REPLACE);
            Files.copy(BUSYBOX, root.resolve("bin/sh"), REPLACE);
            // Swarm runs the health check inside the task: wget on $PORT (the variant prod-acme runs on Swarm)
            Files.copy(BUSYBOX, root.resolve("bin/wget"), REPLACE);
            Path cgi = Files.createDirectories(root.resolve("www/cgi-bin")).resolve("index.cgi");
            Files.writeString(cgi, cgiScript(version, failEvery), StandardCharsets.UTF_8);
            Files.setPosixFilePermissions(cgi, PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.writeString(root.resolve("www/health"), "ok\n");
            if (Files.isRegularFile(OS_RELEASE)) {
                Files.createDirectories(root.resolve("etc"));
                Files.copy(OS_RELEASE, root.resolve("etc/os-release"), REPLACE);
            }
            Optional<String> stanza = dpkgStanza("busybox-static");
            if (stanza.isPresent()) {
                Path statusD = Files.createDirectories(root.resolve("var/lib/dpkg/status.d"));
                Files.writeString(statusD.resolve("busybox-static"), stanza.get(), StandardCharsets.UTF_8);
            }
            Files.writeString(dir.resolve("Dockerfile"), "FROM scratch\nCOPY rootfs /\nCMD " + json(COMMAND) + "\n",
                    StandardCharsets.UTF_8);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the demo image's context in " + dir, e);
        }
    }

    /**
     * busybox httpd on {@code $PORT} (the deployment target gives each instance its port). The shell is PID 1, which
     * ignores SIGTERM unless it traps it: it stops the server and exits, as a well-behaved image does.
     */
    static final List<String> COMMAND = List.of("/bin/sh", "-c", "/bin/busybox httpd -f -p 127.0.0.1:$PORT -h /www &"
            + " pid=$!; trap 'kill $pid; exit 0' TERM; wait $pid");

    private static String json(List<String> args) {
        StringBuilder s = new StringBuilder("[");
        for (String a : args) {
            s.append(s.length() > 1 ? ", " : "").append('"').append(a.replace("\\", "\\\\").replace("\"", "\\\""))
                    .append('"');
        }
        return s.append(']').toString();
    }

    static String cgiScript(String version, int failEvery) {
        String fail = failEvery > 0
                ? "if [ $((RANDOM % " + failEvery + ")) -eq 0 ]; then\n"
                        + "  printf 'Status: 500 Internal Server Error\\r\\nContent-Type: text/plain\\r\\n\\r\\n"
                        + "version " + version + " failed this request\\n'\n  exit 0\nfi\n"
                : "";
        return "#!/bin/sh\n" + fail
                + "printf 'Content-Type: text/plain\\r\\n\\r\\nimmutable demo web service, version " + version + "\\n'\n";
    }

    /** The package's record in this machine's dpkg database: where the image's busybox binary came from. */
    static Optional<String> dpkgStanza(String pkg) throws IOException {
        if (!Files.isRegularFile(DPKG_STATUS)) {
            return Optional.empty();
        }
        String status = Files.readString(DPKG_STATUS, StandardCharsets.UTF_8);
        for (String stanza : status.split("\n\n")) {
            if (stanza.startsWith("Package: " + pkg + "\n") || stanza.contains("\nPackage: " + pkg + "\n")) {
                return Optional.of(stanza.strip() + "\n");
            }
        }
        return Optional.empty();
    }
}
