package io.jenkins.plugins.immutable.scan.layer;

import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.ProgressListener;
import io.airlift.compress.zstd.ZstdInputStream;
import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Reads an image's layers once, in order, streaming each (gzip, zstd or plain tar, told apart by their first bytes),
 * and keeps the final version of the files a {@link FileCollector} wants: a later layer's file replaces an earlier one,
 * a whiteout {@code .wh.<name>} deletes {@code <name>} (and all under it) from the layers below, and an opaque marker
 * {@code .wh..wh..opq} empties its directory of everything the layers below put there. Nothing is written to disk and
 * no file's content is kept beyond what the collector makes of it.
 *
 * <p>A tar entry or hard link whose name climbs out of the image root ({@code ../etc/passwd}) stops the scan: no honest
 * image builder writes one. A layer that inflates beyond the {@link DecompressionLimits} stops it too, with an error
 * that says which layer and which limit.
 */
public final class LayerWalker {

    static final String WHITEOUT_PREFIX = ".wh.";
    static final String OPAQUE_MARKER = ".wh..wh..opq";

    private static final int BUFFER = 128 * 1024;

    private final DecompressionLimits limits;
    private final ProgressListener progress;

    public LayerWalker(DecompressionLimits limits, ProgressListener progress) {
        this.limits = Objects.requireNonNull(limits, "limits");
        this.progress = Objects.requireNonNull(progress, "progress");
    }

    /** Walks the layers, base first, and returns the final view of the wanted files. */
    public <T> FileView<T> walk(List<Layer> layers, FileCollector<T> collector) {
        return walk(layers, collector, null);
    }

    /**
     * Walks the layers, base first, replaying a layer the cache holds (by its name, which must be its digest) instead
     * of reading it again, and recording each layer read to its end into the cache. The view's stats count a replayed
     * layer as if it had been read, so they describe the image.
     *
     * @param cache the run's layer cache, or null to read every layer
     */
    public <T> FileView<T> walk(List<Layer> layers, FileCollector<T> collector, LayerCache<T> cache) {
        FileView<T> view = new FileView<>();
        LayerStats stats = LayerStats.EMPTY;
        for (int i = 0; i < layers.size(); i++) {
            Layer layer = layers.get(i);
            String shown = "layer " + (i + 1) + "/" + layers.size() + " " + layer.name()
                    + (layer.size() >= 0 ? " (" + humanBytes(layer.size()) + ")" : "");
            LayerCache.Recorded<T> recorded = cache == null ? null : cache.get(layer.name()).orElse(null);
            if (recorded != null) {
                progress.line("Reusing " + shown + ", already read in this run");
                replay(recorded, i, layer.name(), view);
                stats = stats.plus(recorded.entries(), recorded.compressedBytes(), recorded.uncompressedBytes());
                continue;
            }
            progress.line("Reading " + shown);
            stats = walkLayer(i, layer, collector, view, stats, cache);
        }
        view.stats(stats);
        return view;
    }

    private static <T> void replay(LayerCache.Recorded<T> recorded, int index, String layerName, FileView<T> view) {
        Ops<T> ops = new Ops<>(view, index, layerName, null);
        for (LayerCache.Op<T> op : recorded.ops()) {
            if (op instanceof LayerCache.Put<T> p) {
                ops.put(p.path(), at(p.file(), index, layerName), p.value());
            } else if (op instanceof LayerCache.PutLink<T> l) {
                ops.putLink(l.path(), at(l.file(), index, layerName));
            } else if (op instanceof LayerCache.Remove<T> r) {
                ops.remove(r.path());
            } else if (op instanceof LayerCache.RemoveTree<T> r) {
                ops.removeTree(r.path(), r.includingPath());
            } else if (op instanceof LayerCache.Link<T> l) {
                ops.link(l.path(), l.target());
            }
        }
    }

    private static LayerFile at(LayerFile f, int index, String layerName) {
        return new LayerFile(f.path(), f.type(), f.size(), f.mode(), f.linkTarget(), index, layerName);
    }

    /** Applies a layer's operations to the view at the layer's index, and logs them when the layer is recorded. */
    private static final class Ops<T> {
        private final FileView<T> view;
        private final int index;
        private final String layerName;
        private final List<LayerCache.Op<T>> log;

        Ops(FileView<T> view, int index, String layerName, List<LayerCache.Op<T>> log) {
            this.view = view;
            this.index = index;
            this.layerName = layerName;
            this.log = log;
        }

        void put(String path, LayerFile file, T value) {
            view.put(path, new FileView.FileNode<>(file, value));
            if (log != null) {
                log.add(new LayerCache.Put<>(path, file, value));
            }
        }

        void putLink(String path, LayerFile file) {
            view.put(path, new FileView.LinkNode<>(file));
            if (log != null) {
                log.add(new LayerCache.PutLink<>(path, file));
            }
        }

        void remove(String path) {
            view.remove(path);
            if (log != null) {
                log.add(new LayerCache.Remove<>(path));
            }
        }

        void removeTree(String path, boolean includingPath) {
            view.removeTree(path, index, includingPath);
            if (log != null) {
                log.add(new LayerCache.RemoveTree<>(path, includingPath));
            }
        }

        /** A hard link shares its target's content: the collector's value of the file it names, if wanted. */
        void link(String path, String target) {
            FileView.Node<T> targetNode = view.get(target);
            if (targetNode instanceof FileView.FileNode<T> f) {
                LayerFile file = new LayerFile(path, LayerFile.Type.FILE, f.file().size(), f.file().mode(), null,
                        index, layerName);
                view.put(path, new FileView.FileNode<>(file, f.value()));
            }
            if (log != null) {
                log.add(new LayerCache.Link<>(path, target));
            }
        }
    }

    private <T> LayerStats walkLayer(int index, Layer layer, FileCollector<T> collector, FileView<T> view,
            LayerStats stats, LayerCache<T> cache) {
        Reading reading = new Reading();
        try (InputStream raw = layer.opener().open()) {
            try {
                List<LayerCache.Op<T>> log = cache == null ? null : new ArrayList<>();
                Ops<T> ops = new Ops<>(view, index, layer.name(), log);
                LayerStats after = readLayer(index, layer, collector, ops, stats, raw, reading);
                if (cache != null) {
                    // only now: the blob was read to its end and matched its digest
                    cache.put(layer.name(), new LayerCache.Recorded<>(log, reading.entries,
                            reading.compressed.count, reading.uncompressed.count));
                }
                return after;
            } catch (LayerLimitException e) {
                throw integrityOr(reading.buffered, e.toEngineException());
            } catch (LayerReadFailure e) {
                throw integrityOr(reading.buffered, layerError(layer, reading, e.getCause()));
            } catch (IOException e) {
                throw integrityOr(reading.buffered, layerError(layer, reading, e));
            } catch (EngineException e) {
                throw e.kind() == EngineException.Kind.BAD_INPUT ? integrityOr(reading.buffered, e) : e;
            }
        } catch (IOException e) {
            throw layerError(layer, reading, e);
        }
    }

    /** The streams of the layer being read and how far it got, for the error messages. */
    private static final class Reading {
        CountingStream compressed;
        BufferedInputStream buffered;
        LimitedStream uncompressed;
        long entries;
    }

    private <T> LayerStats readLayer(int index, Layer layer, FileCollector<T> collector, Ops<T> view,
            LayerStats stats, InputStream raw, Reading r) throws IOException {
        r.compressed = new CountingStream(raw);
        r.buffered = new BufferedInputStream(r.compressed, BUFFER);
        InputStream decoded = decoder(r.buffered, layer);
        r.uncompressed = new LimitedStream(decoded, r.compressed, layer, limits);
        TarArchiveInputStream tar = new TarArchiveInputStream(
                decoded == r.buffered ? r.uncompressed : new BufferedInputStream(r.uncompressed, BUFFER));
        for (TarArchiveEntry entry; (entry = tar.getNextEntry()) != null; ) {
            r.entries++;
            apply(index, layer, entry, tar, collector, view);
            r.uncompressed.rethrowViolation();
            if ((r.entries & 0x3FF) == 0) {
                progress.progress("layer " + (index + 1), r.compressed.count, layer.size());
            }
        }
        // drain the tar padding and the compressor's trailer, so the checksum is verified and counted
        drain(r.uncompressed);
        // A decompressor stops at its own trailer and a tar reader at its end marker, so bytes may remain in the
        // blob: read them too, so that a registry's stream is verified against the layer's digest (which happens at
        // its end) before anything this layer yielded counts.
        drain(r.buffered);
        // the end, so that a terminal drops the layer's bar rather than leaving it part-way until the scan ends
        progress.progress("layer " + (index + 1), r.compressed.count, r.compressed.count);
        return stats.plus(r.entries, r.compressed.count, r.uncompressed.count);
    }

    private static void drain(InputStream in) throws IOException {
        byte[] sink = new byte[BUFFER];
        while (in.read(sink) >= 0) {
            // only the digest check at the end matters
        }
    }

    /**
     * A layer that cannot be read may simply not be the layer its digest names (a registry serving other bytes):
     * read the rest of the blob through its digest check, and report a mismatch as what it is rather than as a
     * corrupt image. Any other failure while doing so leaves the original error standing.
     */
    private static EngineException integrityOr(InputStream blob, EngineException original) {
        if (blob == null) {
            return original;
        }
        try {
            drain(blob);
        } catch (EngineException e) {
            if (e.kind() == EngineException.Kind.INTEGRITY) {
                return e;
            }
        } catch (IOException | RuntimeException e) {
            // the original error says more
        }
        return original;
    }

    private static EngineException layerError(Layer layer, Reading reading, IOException e) {
        long entries = reading.entries;
        if (reading.uncompressed != null && reading.uncompressed.violation != null) {
            return reading.uncompressed.violation.toEngineException();
        }
        if (e instanceof ZipException) {
            return EngineException.badInput("layer " + layer.name() + " is not valid gzip (" + e.getMessage()
                    + "); the image is corrupt or its layer was truncated: rebuild or re-push it");
        }
        return EngineException.badInput("layer " + layer.name() + " could not be read as a tar archive after "
                + entries + " entries (" + e.getMessage() + "); the image is corrupt or the layer was truncated:"
                + " rebuild or re-push it");
    }

    private static InputStream decoder(BufferedInputStream in, Layer layer) throws IOException {
        in.mark(4);
        byte[] magic = in.readNBytes(4);
        in.reset();
        if (magic.length >= 2 && (magic[0] & 0xff) == 0x1f && (magic[1] & 0xff) == 0x8b) {
            return new GZIPInputStream(in, BUFFER);
        }
        if (magic.length == 4 && (magic[0] & 0xff) == 0x28 && (magic[1] & 0xff) == 0xb5
                && (magic[2] & 0xff) == 0x2f && (magic[3] & 0xff) == 0xfd) {
            if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
                throw EngineException.badInput("layer " + layer.name() + " is zstd-compressed, and this agent's"
                        + " big-endian JVM cannot decode zstd; run the scan on an x86-64, arm64, ppc64le or riscv64"
                        + " agent, or push the image with gzip layers");
            }
            return new ZstdInputStream(in);
        }
        String type = layer.mediaType() == null ? "" : layer.mediaType().toLowerCase(Locale.ROOT);
        if (type.endsWith("+gzip") || type.endsWith("+zstd")) {
            throw EngineException.badInput("layer " + layer.name() + " claims media type " + layer.mediaType()
                    + " but does not start with that compression's magic bytes; the blob is corrupt: re-push the image");
        }
        return in;
    }

    private <T> void apply(int index, Layer layer, TarArchiveEntry entry, InputStream content,
            FileCollector<T> collector, Ops<T> view) throws IOException {
        String path = safePath(entry.getName(), layer, entry.getName());
        if (path.isEmpty()) {
            return; // the root directory itself
        }
        int slash = path.lastIndexOf('/');
        String dir = slash < 0 ? "" : path.substring(0, slash);
        String base = slash < 0 ? path : path.substring(slash + 1);

        if (base.equals(OPAQUE_MARKER)) {
            view.removeTree(dir, false);
            return;
        }
        if (base.startsWith(WHITEOUT_PREFIX)) {
            String target = base.substring(WHITEOUT_PREFIX.length());
            view.removeTree(dir.isEmpty() ? target : dir + "/" + target, true);
            return;
        }

        LayerFile.Type type = entry.isDirectory() ? LayerFile.Type.DIRECTORY
                : entry.isSymbolicLink() ? LayerFile.Type.SYMLINK
                : entry.isLink() ? LayerFile.Type.HARDLINK
                : entry.isFile() ? LayerFile.Type.FILE
                : LayerFile.Type.OTHER;

        if (type == LayerFile.Type.DIRECTORY) {
            view.remove(path); // a directory replaces a file or link of that name; its children merge
            return;
        }
        // Anything but a directory replaces what was at that path, and hides what lower layers had under it.
        view.remove(path);
        view.removeTree(path, false);

        String linkTarget = entry.getLinkName();
        if (type == LayerFile.Type.HARDLINK) {
            view.link(path, safePath(linkTarget, layer, entry.getName() + " -> " + linkTarget));
            return;
        }
        LayerFile file = new LayerFile(path, type, entry.getSize(), entry.getMode(),
                type == LayerFile.Type.SYMLINK ? linkTarget : null, index, layer.name());
        if (type == LayerFile.Type.OTHER || !collector.wants(file)) {
            return;
        }
        if (type == LayerFile.Type.SYMLINK) {
            view.putLink(path, file);
            return;
        }
        view.put(path, file, collector.read(file, new EntryStream(content)));
    }

    private static String safePath(String name, Layer layer, String shown) {
        try {
            return EntryPaths.normalize(name, false);
        } catch (IllegalArgumentException e) {
            throw EngineException.badInput("layer " + layer.name() + " has the tar entry '" + shown
                    + "', which points outside the image root; no honest image builder writes such a path, so the"
                    + " scan refuses this image. Rebuild it from a trusted source.");
        }
    }

    static String humanBytes(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        if (bytes < 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
        }
        if (bytes < 1024L * 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024));
        }
        return String.format(Locale.ROOT, "%.2f GiB", bytes / (1024.0 * 1024 * 1024));
    }

    /** Counts the compressed bytes read from the blob. */
    private static final class CountingStream extends FilterInputStream {
        long count;

        CountingStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }
    }

    /** Thrown from inside the tar reader when a layer inflates too far; turned into a clear engine error. */
    private static final class LayerLimitException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final String message;

        LayerLimitException(String message) {
            super(message, null, false, false);
            this.message = message;
        }

        EngineException toEngineException() {
            return EngineException.badInput(message);
        }
    }

    /** Counts uncompressed bytes and enforces the limits. */
    private static final class LimitedStream extends FilterInputStream {
        private final CountingStream compressed;
        private final Layer layer;
        private final DecompressionLimits limits;
        long count;
        LayerLimitException violation;

        LimitedStream(InputStream in, CountingStream compressed, Layer layer, DecompressionLimits limits) {
            super(in);
            this.compressed = compressed;
            this.layer = layer;
            this.limits = limits;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n <= 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            rethrowViolation();
            int n = super.read(b, off, len);
            if (n > 0) {
                count += n;
                check();
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            // Skipping must still inflate and count, so a bomb inside a skipped file is caught as well.
            byte[] sink = new byte[(int) Math.min(BUFFER, Math.max(n, 1))];
            long skipped = 0;
            while (skipped < n) {
                int r = read(sink, 0, (int) Math.min(sink.length, n - skipped));
                if (r < 0) {
                    break;
                }
                skipped += r;
            }
            return skipped;
        }

        private void check() {
            if (count > limits.maxLayerBytes()) {
                violation = new LayerLimitException("layer " + layer.name() + " inflates past "
                        + humanBytes(limits.maxLayerBytes()) + ", the most one layer may hold; it looks like a"
                        + " decompression bomb. If the layer is genuine, raise the scan's maximum layer size.");
                throw violation;
            }
            if (count > limits.ratioGraceBytes() && compressed.count > 0
                    && (double) count / compressed.count > limits.maxRatio()) {
                violation = new LayerLimitException(String.format(Locale.ROOT,
                        "layer %s inflates more than %.0f times its compressed size (%s from %s); it looks like a"
                                + " decompression bomb. If the layer is genuine, raise the scan's maximum"
                                + " compression ratio.",
                        layer.name(), limits.maxRatio(), humanBytes(count), humanBytes(compressed.count)));
                throw violation;
            }
        }

        void rethrowViolation() {
            if (violation != null) {
                throw violation;
            }
        }
    }

    /**
     * Hands a collector the current entry without letting it close the tar stream. A failure of the layer itself
     * (truncated, corrupt) is rethrown unchecked, so a collector that handles its own file's IOExceptions (a broken
     * jar) cannot mistake a broken layer for a broken file.
     */
    private static final class EntryStream extends FilterInputStream {
        EntryStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() {
            try {
                return super.read();
            } catch (IOException e) {
                throw new LayerReadFailure(e);
            }
        }

        @Override
        public int read(byte[] b, int off, int len) {
            try {
                return super.read(b, off, len);
            } catch (IOException e) {
                throw new LayerReadFailure(e);
            }
        }

        @Override
        public long skip(long n) {
            try {
                return super.skip(n);
            } catch (IOException e) {
                throw new LayerReadFailure(e);
            }
        }

        @Override
        public void close() {
            // the walker owns the stream
        }
    }

    private static final class LayerReadFailure extends UncheckedIOException {
        private static final long serialVersionUID = 1L;

        LayerReadFailure(IOException cause) {
            super(cause);
        }
    }
}
