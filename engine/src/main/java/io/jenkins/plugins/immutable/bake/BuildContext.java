package io.jenkins.plugins.immutable.bake;

import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.image.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * The build context a Docker engine receives: the context directory as a tar, without what {@code .dockerignore}
 * excludes, walked and filtered exactly as the Docker CLI does (its exceptions for the Dockerfile and
 * {@code .dockerignore} included), owners set to root. A Dockerfile outside the context is added under a name of its
 * own and listed in {@code .dockerignore}, so the daemon reads it but {@code COPY . } never sees it.
 */
final class BuildContext {

    private final Path directory;
    private final Path dockerfile;
    private final byte[] dockerfileBytes;
    private final String dockerfileName;
    private final boolean dockerfileOutside;
    private final DockerIgnore ignore;
    private final byte[] originalIgnore;

    /** What was sent: the Dockerfile's name in the archive and how much went in. */
    record Summary(String dockerfileName, int files, long bytes) {
    }

    BuildContext(Path directory, Path dockerfile) {
        if (!Files.isDirectory(directory)) {
            throw EngineException.badInput("the build context " + directory
                    + " is not a directory; give the directory the Dockerfile's COPY and ADD read from");
        }
        this.directory = directory.toAbsolutePath().normalize();
        this.dockerfile = (dockerfile == null ? this.directory.resolve("Dockerfile")
                : this.directory.resolve(dockerfile)).toAbsolutePath().normalize();
        if (!Files.isRegularFile(this.dockerfile)) {
            throw EngineException.badInput("there is no Dockerfile at " + this.dockerfile
                    + "; give the path of the Dockerfile (relative to the context directory, or absolute)");
        }
        try {
            this.dockerfileBytes = Files.readAllBytes(this.dockerfile);
            Path ignoreFile = this.directory.resolve(".dockerignore");
            this.originalIgnore = Files.isRegularFile(ignoreFile) ? Files.readAllBytes(ignoreFile) : null;
        } catch (IOException e) {
            throw EngineException.badInput("cannot read " + this.dockerfile + " or its .dockerignore: " + e.getMessage()
                    + "; check that the build can read them");
        }
        this.dockerfileOutside = !this.dockerfile.startsWith(this.directory);
        DockerIgnore parsed = originalIgnore == null ? DockerIgnore.none()
                : DockerIgnore.parse(new String(originalIgnore, StandardCharsets.UTF_8));
        if (dockerfileOutside) {
            this.dockerfileName = ".dockerfile." + Digest.sha256(dockerfileBytes).hex().substring(0, 20);
        } else {
            this.dockerfileName = this.directory.relativize(this.dockerfile).toString().replace('\\', '/');
        }
        // As the CLI does: the daemon must receive the Dockerfile and .dockerignore even when they are ignored; it
        // reads them and then removes them from what COPY sees.
        if (parsed.excludes(".dockerignore")) {
            parsed = parsed.withException(".dockerignore");
        }
        if (!dockerfileOutside && parsed.excludes(dockerfileName)) {
            parsed = parsed.withException(dockerfileName);
        }
        this.ignore = parsed;
    }

    byte[] dockerfileBytes() {
        return dockerfileBytes.clone();
    }

    Path dockerfile() {
        return dockerfile;
    }

    /** The name the daemon is told to read the Dockerfile from. */
    String dockerfileName() {
        return dockerfileName;
    }

    /** The paths the archive holds, in order (directories end with '/'). */
    List<String> entries() {
        List<String> names = new ArrayList<>();
        walk((relative, file, attributes) -> names.add(attributes.isDirectory() ? relative + "/" : relative));
        if (dockerfileOutside) {
            if (originalIgnore == null) {
                names.add(".dockerignore");
            }
            names.add(dockerfileName);
        }
        return names;
    }

    /** Writes the context as an uncompressed tar. */
    Summary writeTo(OutputStream out) throws IOException {
        TarArchiveOutputStream tar = new TarArchiveOutputStream(out, StandardCharsets.UTF_8.name());
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        int[] files = {0};
        long[] bytes = {0};
        try {
            walk((relative, file, attributes) -> {
                try {
                    if (dockerfileOutside && relative.equals(".dockerignore")) {
                        byte[] content = ignoreWithOutsideDockerfile();
                        writeBytes(tar, relative, content, mode(file, attributes), attributes.lastModifiedTime().toMillis());
                    } else {
                        write(tar, relative, file, attributes);
                    }
                    files[0]++;
                    bytes[0] += attributes.isRegularFile() ? attributes.size() : 0;
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        if (dockerfileOutside) {
            long now = System.currentTimeMillis();
            if (originalIgnore == null) {
                writeBytes(tar, ".dockerignore", ignoreWithOutsideDockerfile(), 0600, now);
            }
            writeBytes(tar, dockerfileName, dockerfileBytes, 0600, now);
            files[0]++;
            bytes[0] += dockerfileBytes.length;
        }
        tar.finish();
        return new Summary(dockerfileName, files[0], bytes[0]);
    }

    private byte[] ignoreWithOutsideDockerfile() {
        String before = originalIgnore == null ? "" : new String(originalIgnore, StandardCharsets.UTF_8);
        return (before + "\n" + dockerfileName + "\n").getBytes(StandardCharsets.UTF_8);
    }

    private interface Visitor {
        void visit(String relative, Path file, BasicFileAttributes attributes);
    }

    /**
     * Walks the context in lexical order as Go's {@code filepath.Walk} does, skipping what is ignored: an ignored
     * directory is still entered when an exception pattern starts with its path, as the Docker CLI decides.
     */
    private void walk(Visitor visitor) {
        Map<String, boolean[]> parentMatches = new HashMap<>();
        walkDirectory(directory, "", parentMatches, visitor);
    }

    private void walkDirectory(Path dir, String relativeDir, Map<String, boolean[]> parentMatches, Visitor visitor) {
        List<Path> children;
        try (Stream<Path> list = Files.list(dir)) {
            children = new ArrayList<>(list.toList());
        } catch (AccessDeniedException e) {
            throw unreadable(relativeDir.isEmpty() ? "." : relativeDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        children.sort((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString()));
        for (Path child : children) {
            String relative = relativeDir.isEmpty() ? child.getFileName().toString()
                    : relativeDir + "/" + child.getFileName();
            BasicFileAttributes attributes;
            try {
                attributes = Files.readAttributes(child, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            } catch (NoSuchFileException e) {
                continue; // removed while we walked
            } catch (IOException e) {
                throw unreadable(relative);
            }
            boolean[] excluded = new boolean[1];
            boolean[] matches = ignore.matchUsingParent(relative, parentMatches.get(relativeDir), excluded);
            if (attributes.isDirectory()) {
                parentMatches.put(relative, matches);
            }
            if (excluded[0]) {
                if (attributes.isDirectory() && mayReinclude(relative)) {
                    walkDirectory(child, relative, parentMatches, visitor);
                }
                continue;
            }
            if (!attributes.isDirectory() && !attributes.isRegularFile() && !attributes.isSymbolicLink()) {
                continue; // sockets, pipes and devices have no place in an image build context
            }
            if (attributes.isRegularFile() && !Files.isReadable(child)) {
                throw unreadable(relative);
            }
            visitor.visit(relative, child, attributes);
            if (attributes.isDirectory()) {
                walkDirectory(child, relative, parentMatches, visitor);
            }
        }
    }

    /** Docker enters an ignored directory only when an exception pattern literally starts with its path. */
    private boolean mayReinclude(String relativeDir) {
        if (!ignore.hasExceptions()) {
            return false;
        }
        String dirSlash = relativeDir + "/";
        for (DockerIgnore.Rule rule : ignore.rules()) {
            if (rule.exception() && (rule.pattern() + "/").startsWith(dirSlash)) {
                return true;
            }
        }
        return false;
    }

    private static EngineException unreadable(String relative) {
        return EngineException.badInput("cannot read '" + relative + "' in the build context; make it readable, or"
                + " exclude it in .dockerignore");
    }

    private static void write(TarArchiveOutputStream tar, String relative, Path file, BasicFileAttributes attributes)
            throws IOException {
        long mtime = attributes.lastModifiedTime().toMillis();
        int mode = mode(file, attributes);
        if (attributes.isSymbolicLink()) {
            TarArchiveEntry entry = new TarArchiveEntry(relative, TarConstants.LF_SYMLINK);
            entry.setLinkName(Files.readSymbolicLink(file).toString());
            entry.setMode(0120000 | 0777);
            finish(tar, entry, mtime);
            tar.closeArchiveEntry();
        } else if (attributes.isDirectory()) {
            TarArchiveEntry entry = new TarArchiveEntry(relative + "/");
            entry.setMode(040000 | mode);
            finish(tar, entry, mtime);
            tar.closeArchiveEntry();
        } else {
            TarArchiveEntry entry = new TarArchiveEntry(relative);
            entry.setMode(0100000 | mode);
            entry.setSize(attributes.size());
            finish(tar, entry, mtime);
            try (InputStream in = Files.newInputStream(file)) {
                long copied = in.transferTo(tar);
                if (copied != attributes.size()) {
                    throw EngineException.badInput("'" + relative + "' changed while the build context was sent;"
                            + " build from a context nothing writes to");
                }
            }
            tar.closeArchiveEntry();
        }
    }

    private static void writeBytes(TarArchiveOutputStream tar, String name, byte[] content, int mode, long mtime)
            throws IOException {
        TarArchiveEntry entry = new TarArchiveEntry(name);
        entry.setMode(0100000 | mode);
        entry.setSize(content.length);
        finish(tar, entry, mtime);
        tar.write(content);
        tar.closeArchiveEntry();
    }

    private static void finish(TarArchiveOutputStream tar, TarArchiveEntry entry, long mtime) throws IOException {
        entry.setIds(0, 0);
        entry.setUserName("");
        entry.setGroupName("");
        entry.setModTime(mtime);
        tar.putArchiveEntry(entry);
    }

    private static int mode(Path file, BasicFileAttributes attributes) {
        try {
            Set<PosixFilePermission> permissions = Files.readAttributes(file, PosixFileAttributes.class,
                    LinkOption.NOFOLLOW_LINKS).permissions();
            int mode = 0;
            for (PosixFilePermission p : permissions) {
                mode |= switch (p) {
                    case OWNER_READ -> 0400;
                    case OWNER_WRITE -> 0200;
                    case OWNER_EXECUTE -> 0100;
                    case GROUP_READ -> 040;
                    case GROUP_WRITE -> 020;
                    case GROUP_EXECUTE -> 010;
                    case OTHERS_READ -> 04;
                    case OTHERS_WRITE -> 02;
                    case OTHERS_EXECUTE -> 01;
                };
            }
            return mode;
        } catch (UnsupportedOperationException | IOException e) {
            // Not a POSIX file system (Windows): what Docker for Windows sends.
            return attributes.isDirectory() || Files.isExecutable(file) ? 0755 : 0644;
        }
    }
}
