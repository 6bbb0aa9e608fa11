package io.jenkins.plugins.immutable.ledger;

import io.jenkins.plugins.immutable.image.Digest;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * Copies of ledger versions kept as files in a directory (the CLI's cache directory), one per version, named by its
 * digest: a header, the manifest's bytes and the layer's bytes, written whole or not at all ({@link AtomicFiles}), so
 * that writers at once leave one whole file. The directory is made when first written to. Being a cache, it keeps
 * the versions used last up to a size, and anything wrong with it (unwritable, a damaged file) only means a version
 * is read from the registry again.
 */
public final class FileLedgerVersions implements LedgerVersions {

    private static final Logger LOG = Logger.getLogger(FileLedgerVersions.class.getName());

    /** How a file starts: what it is, and the version of its layout. */
    private static final byte[] MAGIC = "immutable-ledger-version/1\n".getBytes(StandardCharsets.US_ASCII);
    /** Ledger manifests are a few hundred bytes; anything near this is no copy of one. */
    private static final int MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
    /** Most versions are read once, the heads often: past this size the least recently used go. */
    static final long DEFAULT_MAX_BYTES = 256L * 1024 * 1024;

    private final Path directory;
    private final long maxBytes;

    public FileLedgerVersions(Path directory) {
        this(directory, DEFAULT_MAX_BYTES);
    }

    /** Keeps at most about {@code maxBytes} of copies, the least recently used going first. */
    public FileLedgerVersions(Path directory, long maxBytes) {
        this.directory = Objects.requireNonNull(directory, "directory");
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("maxBytes must be positive");
        }
        this.maxBytes = maxBytes;
    }

    /** The file of a version's copy. */
    public Path file(Digest version) {
        return directory.resolve(version.algorithm().label() + "-" + version.hex());
    }

    @Override
    public Optional<Copy> load(Digest version) {
        Path file = file(version);
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (java.nio.file.NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException | OutOfMemoryError e) {
            LOG.log(Level.FINE, "cannot read the copy of ledger version {0} in {1}: {2}",
                    new Object[] {version, file, e.toString()});
            return Optional.empty();
        }
        ByteBuffer b = ByteBuffer.wrap(bytes);
        if (bytes.length < MAGIC.length + Integer.BYTES
                || !Arrays.equals(bytes, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            return Optional.of(new Copy(new byte[0], new byte[0])); // not a copy: it fails the ledger's check
        }
        b.position(MAGIC.length);
        int manifestLength = b.getInt();
        if (manifestLength < 0 || manifestLength > Math.min(MAX_MANIFEST_BYTES, b.remaining())) {
            return Optional.of(new Copy(new byte[0], new byte[0]));
        }
        byte[] manifest = new byte[manifestLength];
        b.get(manifest);
        byte[] layer = new byte[b.remaining()];
        b.get(layer);
        try {
            // used now: the last to go when the cache is trimmed
            Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis()));
        } catch (IOException e) {
            // a copy that cannot be marked as used is still a copy
        }
        return Optional.of(new Copy(manifest, layer));
    }

    @Override
    public void save(Digest version, Copy copy) {
        ByteBuffer b = ByteBuffer.allocate(MAGIC.length + Integer.BYTES + copy.manifest().length
                + copy.layer().length);
        b.put(MAGIC).putInt(copy.manifest().length).put(copy.manifest()).put(copy.layer());
        try {
            AtomicFiles.write(file(version), b.array());
            trim();
        } catch (IOException e) {
            LOG.log(Level.FINE, "cannot keep a copy of ledger version {0} in {1}: {2}",
                    new Object[] {version, directory, e.toString()});
        }
    }

    @Override
    public void drop(Digest version) {
        try {
            Files.deleteIfExists(file(version));
        } catch (IOException e) {
            LOG.log(Level.FINE, "cannot remove the copy of ledger version {0}: {1}", new Object[] {version, e});
        }
    }

    @Override
    public String describe(Digest version) {
        return file(version).toString();
    }

    /** Removes the least recently used copies while the directory holds more than its size. */
    private void trim() throws IOException {
        List<Path> files = new ArrayList<>();
        long total = 0;
        try (Stream<Path> s = Files.list(directory)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                if (!p.getFileName().toString().startsWith(".")) {
                    files.add(p);
                    total += Files.size(p);
                }
            }
        }
        if (total <= maxBytes) {
            return;
        }
        files.sort(Comparator.comparing(FileLedgerVersions::lastUsed));
        for (Path p : files) {
            if (total <= maxBytes * 3 / 4) {
                break;
            }
            long size = Files.size(p);
            if (Files.deleteIfExists(p)) {
                total -= size;
            }
        }
    }

    private static FileTime lastUsed(Path p) {
        try {
            return Files.getLastModifiedTime(p);
        } catch (IOException e) {
            return FileTime.fromMillis(0);
        }
    }
}
