package io.jenkins.plugins.immutable.bake;

import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.image.Descriptor;
import io.jenkins.plugins.immutable.image.Digest;
import io.jenkins.plugins.immutable.image.MediaTypes;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Comparator;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Turns a {@link LayerSpec} into a gzipped layer blob, reproducibly: entries sorted by path, every parent directory
 * present, owner 0:0, modes normalised (directories and executables 0755, other files 0644), one fixed time, and a
 * gzip header without time or OS. With a cache directory, a layer whose inputs have not changed (same paths, sizes,
 * modification times and modes) is taken from the cache instead of being built again.
 */
final class LayerFiles {

    /** Bumped when the layer format changes, so old cache entries are not reused. */
    private static final String FORMAT = "immutable-layer-v1";

    /** A built layer: the blob as pushed, the digest of its uncompressed tar, and where its bytes are. */
    record BuiltLayer(String name, Descriptor blob, Digest diffId, Path file, boolean fromCache) {
    }

    private sealed interface Item permits Dir, File, Link {
    }

    private record Dir() implements Item {
    }

    private record File(Path source, long size, boolean executable, long mtime) implements Item {
    }

    private record Link(String target) implements Item {
    }

    /** Sorts by code point, which is the order of the UTF-8 bytes: the same on every platform. */
    private static final Comparator<String> BY_CODE_POINT = (a, b) -> {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    };

    private LayerFiles() {
    }

    static BuiltLayer build(LayerSpec spec, Instant time, Path workDirectory, Path cacheDirectory) {
        TreeMap<String, Item> items = collect(spec);
        long mtime = Math.max(time.getEpochSecond(), 1); // some tools read a zero time as "unset"
        try {
            String key = cacheKey(items, mtime);
            if (cacheDirectory != null) {
                BuiltLayer cached = fromCache(spec.name(), cacheDirectory, key);
                if (cached != null) {
                    return cached;
                }
            }
            Path target = cacheDirectory != null ? cacheDirectory.resolve(key + ".tar.gz")
                    : workDirectory.resolve(key + ".tar.gz");
            Files.createDirectories(target.getParent());
            Path partial = Files.createTempFile(target.getParent(), key, ".partial");
            MessageDigest compressed = Digest.Algorithm.SHA256.newMessageDigest();
            MessageDigest uncompressed = Digest.Algorithm.SHA256.newMessageDigest();
            try (OutputStream file = new BufferedOutputStream(Files.newOutputStream(partial), 256 * 1024);
                    DigestOutputStream gzipped = new DigestOutputStream(file, compressed);
                    ReproducibleTar.Gzip gzip = new ReproducibleTar.Gzip(gzipped);
                    ReproducibleTar tar = new ReproducibleTar(
                            new DigestOutputStream(new BufferedOutputStream(gzip, 256 * 1024), uncompressed), mtime)) {
                for (Map.Entry<String, Item> e : items.entrySet()) {
                    write(tar, e.getKey(), e.getValue());
                }
            }
            Digest blobDigest = Digest.of(Digest.Algorithm.SHA256, compressed.digest());
            Digest diffId = Digest.of(Digest.Algorithm.SHA256, uncompressed.digest());
            long size = Files.size(partial);
            move(partial, target);
            if (cacheDirectory != null) {
                Properties p = new Properties();
                p.setProperty("digest", blobDigest.toString());
                p.setProperty("size", Long.toString(size));
                p.setProperty("diffId", diffId.toString());
                Path meta = Files.createTempFile(cacheDirectory, key, ".partial");
                try (OutputStream out = Files.newOutputStream(meta)) {
                    p.store(out, null);
                }
                move(meta, cacheDirectory.resolve(key + ".properties"));
            }
            return new BuiltLayer(spec.name(), new Descriptor(MediaTypes.OCI_LAYER_GZIP, blobDigest, size), diffId,
                    target, false);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot build the layer '" + spec.name() + "': " + e.getMessage(), e);
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static BuiltLayer fromCache(String name, Path cacheDirectory, String key) throws IOException {
        Path meta = cacheDirectory.resolve(key + ".properties");
        Path blob = cacheDirectory.resolve(key + ".tar.gz");
        if (!Files.isRegularFile(meta) || !Files.isRegularFile(blob)) {
            return null;
        }
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(meta)) {
            p.load(in);
        }
        long size = Long.parseLong(p.getProperty("size", "-1"));
        if (size != Files.size(blob)) {
            return null; // damaged: build it again
        }
        return new BuiltLayer(name, new Descriptor(MediaTypes.OCI_LAYER_GZIP, Digest.parse(p.getProperty("digest")),
                size), Digest.parse(p.getProperty("diffId")), blob, true);
    }

    /** What decides the layer's bytes, hashed: a changed name, size, time or mode of any input gives another key. */
    private static String cacheKey(TreeMap<String, Item> items, long mtime) {
        StringBuilder key = new StringBuilder(FORMAT).append('\n').append(mtime).append('\n');
        for (Map.Entry<String, Item> e : items.entrySet()) {
            key.append(e.getKey()).append('\0');
            Item item = e.getValue();
            if (item instanceof Link l) {
                key.append("l ").append(l.target());
            } else if (item instanceof File f) {
                key.append("f ").append(f.source().toAbsolutePath()).append(' ').append(f.size())
                        .append(' ').append(f.mtime()).append(' ').append(f.executable());
            } else {
                key.append("d");
            }
            key.append('\n');
        }
        return Digest.sha256(key.toString().getBytes(StandardCharsets.UTF_8)).hex();
    }

    private static void write(ReproducibleTar tar, String path, Item item) throws IOException {
        if (item instanceof Link l) {
            tar.symlink(path, l.target());
        } else if (item instanceof File f) {
            try (InputStream in = Files.newInputStream(f.source())) {
                tar.file(path, f.executable() ? 0755 : 0644, f.size(), in);
            }
        } else {
            tar.directory(path, 0755);
        }
    }

    /** Every path of the layer (without the leading '/'), parents included, sorted. */
    private static TreeMap<String, Item> collect(LayerSpec spec) {
        TreeMap<String, Item> items = new TreeMap<>(BY_CODE_POINT);
        for (LayerSpec.Entry entry : spec.entries()) {
            Path source = entry.source();
            String target = entry.containerPath().replaceAll("/+", "/");
            if (!Files.exists(source)) {
                throw EngineException.badInput("the layer '" + spec.name() + "' takes " + source + ", which does not"
                        + " exist; build it first, or fix the path");
            }
            try {
                if (Files.isDirectory(source)) {
                    String root = strip(target);
                    addParents(items, root + "/", spec); // root and its parents
                    if (!root.isEmpty()) {
                        put(items, root, new Dir(), spec, source);
                    }
                    Files.walkFileTree(source, new SimpleFileVisitor<>() {
                        @Override
                        public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                            if (!dir.equals(source)) {
                                put(items, join(root, source.relativize(dir)), new Dir(), spec, dir);
                            }
                            return FileVisitResult.CONTINUE;
                        }

                        @Override
                        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                            put(items, join(root, source.relativize(file)), item(file, attrs), spec, file);
                            return FileVisitResult.CONTINUE;
                        }
                    });
                } else {
                    String path = strip(target.endsWith("/") ? target + source.getFileName() : target);
                    if (path.isEmpty()) {
                        throw EngineException.badInput("the layer '" + spec.name() + "' puts the file " + source
                                + " at '/'; give it a file name in the image");
                    }
                    addParents(items, path, spec);
                    // The source itself is followed if it is a link: name a link to a jar, get the jar.
                    put(items, path, item(source, Files.readAttributes(source, BasicFileAttributes.class)), spec, source);
                }
            } catch (NoSuchFileException e) {
                throw EngineException.badInput("a file of the layer '" + spec.name() + "' disappeared while it was"
                        + " read (" + e.getFile() + "); build from files nothing writes to");
            } catch (IOException e) {
                throw EngineException.badInput("cannot read " + source + " for the layer '" + spec.name() + "': "
                        + e.getMessage() + "; make it readable");
            }
        }
        return items;
    }

    private static Item item(Path file, BasicFileAttributes attrs) throws IOException {
        if (attrs.isSymbolicLink()) {
            return new Link(Files.readSymbolicLink(file).toString().replace('\\', '/'));
        }
        if (!attrs.isRegularFile()) {
            throw EngineException.badInput(file + " is neither a file, a directory nor a link; leave it out of the"
                    + " layer");
        }
        if (!Files.isReadable(file)) {
            throw EngineException.badInput("cannot read " + file + "; make it readable or leave it out of the layer");
        }
        return new File(file, attrs.size(), Files.isExecutable(file), attrs.lastModifiedTime().toMillis());
    }

    private static void addParents(TreeMap<String, Item> items, String path, LayerSpec spec) {
        int slash = path.indexOf('/');
        while (slash > 0) {
            String parent = path.substring(0, slash);
            Item existing = items.get(parent);
            if (existing != null && !(existing instanceof Dir)) {
                throw EngineException.badInput("the layer '" + spec.name() + "' has /" + parent + " both as a file and"
                        + " as a directory; give the entries paths that do not collide");
            }
            items.putIfAbsent(parent, new Dir());
            slash = path.indexOf('/', slash + 1);
        }
    }

    private static void put(TreeMap<String, Item> items, String path, Item item, LayerSpec spec, Path source) {
        Item existing = items.get(path);
        if (existing != null && !(existing instanceof Dir && item instanceof Dir)) {
            throw EngineException.badInput("the layer '" + spec.name() + "' puts two things at /" + path + " (one of"
                    + " them from " + source + "); give the entries paths that do not collide");
        }
        items.put(path, item);
    }

    private static String strip(String path) {
        String p = path;
        while (p.startsWith("/")) {
            p = p.substring(1);
        }
        while (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        return p;
    }

    private static String join(String root, Path relative) {
        String rel = relative.toString().replace('\\', '/');
        return root.isEmpty() ? rel : root + "/" + rel;
    }
}
