package io.jenkins.plugins.immutable.scan.osv;

import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.ProgressListener;
import io.jenkins.plugins.immutable.image.Digest;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;

/**
 * An offline OSV vulnerability database: a directory of OSV JSON files, or a zip of them (as osv.dev publishes one
 * per ecosystem, {@code <Ecosystem>/all.zip}), or a directory holding several such zips and files. It is indexed once
 * by affected package, {@code (ecosystem, name)}, so a scan reads only the records of the packages it found. The
 * index is kept in memory for the database's lifetime and, given a cache directory, written there keyed by a
 * fingerprint of the database files (paths, sizes, modification times), so the next process reuses it.
 *
 * <p>Names are compared as each ecosystem defines them: PyPI names PEP 503-normalised, the others exactly.
 */
public final class OsvDatabase implements AutoCloseable {

    private static final int INDEX_FORMAT = 1;
    private static final int RECORD_CACHE = 4096;

    /** Where the database came from and which state of it was indexed, for reports and attestations. */
    public record Info(String location, String fingerprint, int records, String newestModified, List<String> warnings) {
        public Info {
            warnings = List.copyOf(warnings);
        }
    }

    private final Path location;
    private final List<Path> containers;
    private final String[] entries;
    private final int[] containerOf;
    private final Map<String, int[]> byPackage;
    private final Info info;
    private final Map<Integer, ZipFile> openZips = new HashMap<>();
    private final Map<Integer, OsvRecord> recordCache = Collections.synchronizedMap(
            new LinkedHashMap<>(256, 0.75f, true) {
                private static final long serialVersionUID = 1L;

                @Override
                protected boolean removeEldestEntry(Map.Entry<Integer, OsvRecord> eldest) {
                    return size() > RECORD_CACHE;
                }
            });

    private OsvDatabase(Path location, List<Path> containers, String[] entries, int[] containerOf,
            Map<String, int[]> byPackage, Info info) {
        this.location = location;
        this.containers = containers;
        this.entries = entries;
        this.containerOf = containerOf;
        this.byPackage = byPackage;
        this.info = info;
    }

    /** Opens and indexes the database, without persisting the index. */
    public static OsvDatabase open(Path location, ProgressListener progress) {
        return open(location, null, progress);
    }

    /**
     * Opens the database at a directory or zip, reusing the index in {@code indexCache} when it matches the files'
     * fingerprint, else building it (and writing it there when {@code indexCache} is not null).
     */
    public static OsvDatabase open(Path location, Path indexCache, ProgressListener progress) {
        if (!Files.exists(location)) {
            throw EngineException.badInput("the vulnerability database " + location + " does not exist; download OSV"
                    + " data (for example osv.dev's <Ecosystem>/all.zip for Debian, Alpine, Maven, npm, PyPI, Go) and"
                    + " point the scan at that zip or at the directory holding them");
        }
        List<Path> containers = containers(location);
        String fingerprint = fingerprint(location, containers);
        Path cached = indexCache == null ? null : indexCache.resolve("osv-index-" + fingerprint.substring(0, 32) + ".bin");
        if (cached != null && Files.isRegularFile(cached)) {
            try {
                OsvDatabase db = readIndex(location, containers, fingerprint, cached);
                progress.line("Vulnerability database " + location + ": " + db.info.records()
                        + " records (index reused from " + cached + ")");
                return db;
            } catch (IOException | RuntimeException e) {
                progress.line("The cached index " + cached + " is unreadable (" + e.getMessage() + "); rebuilding it");
            }
        }
        OsvDatabase db = build(location, containers, fingerprint, progress);
        if (cached != null) {
            db.writeIndex(cached, progress);
        }
        return db;
    }

    public Info info() {
        return info;
    }

    /**
     * The records naming {@code name} in {@code ecosystem} (exactly as the record writes it: {@code Debian:12},
     * {@code Maven}), withdrawn ones excluded.
     */
    public List<OsvRecord> lookup(String ecosystem, String name) {
        int[] ids = byPackage.get(key(ecosystem, name));
        if (ids == null) {
            return List.of();
        }
        List<OsvRecord> out = new ArrayList<>(ids.length);
        for (int id : ids) {
            OsvRecord r = record(id);
            if (r != null && !r.isWithdrawn()) {
                out.add(r);
            }
        }
        return out;
    }

    /** How many distinct (ecosystem, package) keys the index holds. */
    public int packageCount() {
        return byPackage.size();
    }

    @Override
    public synchronized void close() {
        for (ZipFile z : openZips.values()) {
            try {
                z.close();
            } catch (IOException e) {
                // nothing was written; closing a read-only zip cannot lose data
            }
        }
        openZips.clear();
    }

    /** The index key of a package: its ecosystem and its name as the ecosystem compares names. */
    static String key(String ecosystem, String name) {
        String e = ecosystem.strip();
        String base = e.contains(":") ? e.substring(0, e.indexOf(':')) : e;
        String n = base.equalsIgnoreCase("PyPI") ? name.toLowerCase(Locale.ROOT).replaceAll("[-_.]+", "-") : name;
        return e + '\u0000' + n;
    }

    private OsvRecord record(int id) {
        OsvRecord cached = recordCache.get(id);
        if (cached != null) {
            return cached;
        }
        try {
            OsvRecord r = OsvParser.parse(bytes(id));
            recordCache.put(id, r);
            return r;
        } catch (IOException e) {
            throw EngineException.badInput("the vulnerability database record " + entries[id] + " in "
                    + containers.get(containerOf[id]) + " cannot be read (" + e.getMessage() + "); the database"
                    + " changed or is corrupt since it was indexed: download it again");
        }
    }

    private byte[] bytes(int id) throws IOException {
        Path container = containers.get(containerOf[id]);
        if (isZip(container)) {
            ZipFile zip;
            synchronized (this) {
                zip = openZips.get(containerOf[id]);
                if (zip == null) {
                    zip = new ZipFile(container.toFile());
                    openZips.put(containerOf[id], zip);
                }
            }
            ZipEntry entry = zip.getEntry(entries[id]);
            if (entry == null) {
                throw new IOException("no entry " + entries[id]);
            }
            try (InputStream in = zip.getInputStream(entry)) {
                return in.readAllBytes();
            }
        }
        return Files.readAllBytes(container.resolve(entries[id]));
    }

    private static boolean isZip(Path p) {
        return Files.isRegularFile(p) && p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".zip");
    }

    /** The zips and the directory (for loose JSON files) the database consists of, in a stable order. */
    private static List<Path> containers(Path location) {
        if (Files.isRegularFile(location)) {
            if (!isZip(location)) {
                throw EngineException.badInput("the vulnerability database " + location + " is neither a directory"
                        + " nor a .zip of OSV JSON files; point the scan at the zip or at its directory");
            }
            return List.of(location);
        }
        List<Path> out = new ArrayList<>();
        out.add(location);
        try (Stream<Path> files = Files.walk(location)) {
            files.filter(OsvDatabase::isZip).sorted().forEach(out::add);
        } catch (IOException e) {
            throw EngineException.badInput("the vulnerability database directory " + location + " cannot be listed ("
                    + e.getMessage() + "); check its permissions");
        }
        return out;
    }

    private static List<Path> jsonFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(p -> Files.isRegularFile(p) && p.getFileName().toString().endsWith(".json")).sorted()
                    .toList();
        }
    }

    private static String fingerprint(Path location, List<Path> containers) {
        MessageDigest md = Digest.Algorithm.SHA256.newMessageDigest();
        try {
            for (Path c : containers) {
                List<Path> files = isZip(c) ? List.of(c) : jsonFiles(c);
                for (Path f : files) {
                    md.update((location.relativize(f) + "\u0000"
                            + Files.size(f) + "\u0000" + Files.getLastModifiedTime(f).toMillis() + "\n")
                            .getBytes(StandardCharsets.UTF_8));
                }
            }
        } catch (IOException | IllegalArgumentException e) {
            throw EngineException.badInput("the vulnerability database " + location + " cannot be read ("
                    + e.getMessage() + "); check that it exists and is readable");
        }
        return Digest.of(Digest.Algorithm.SHA256, md.digest()).hex();
    }

    private static OsvDatabase build(Path location, List<Path> containers, String fingerprint,
            ProgressListener progress) {
        progress.line("Indexing the vulnerability database " + location);
        List<String> names = new ArrayList<>();
        List<Integer> owners = new ArrayList<>();
        Map<String, List<Integer>> keys = new HashMap<>();
        List<String> bad = new ArrayList<>();
        String[] newest = {""};
        try {
            for (int c = 0; c < containers.size(); c++) {
                Path container = containers.get(c);
                if (isZip(container)) {
                    try (ZipInputStream zip = new ZipInputStream(new BufferedInputStream(Files.newInputStream(container),
                            1 << 16))) {
                        for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
                            if (!e.isDirectory() && e.getName().endsWith(".json")) {
                                index(zip.readAllBytes(), e.getName(), c, names, owners, keys, bad, newest);
                            }
                        }
                    }
                } else {
                    for (Path f : jsonFiles(container)) {
                        index(Files.readAllBytes(f), container.relativize(f).toString(), c, names, owners, keys, bad,
                                newest);
                    }
                }
            }
        } catch (IOException e) {
            throw EngineException.badInput("the vulnerability database " + location + " cannot be read ("
                    + e.getMessage() + "); download it again");
        }
        if (names.isEmpty()) {
            throw EngineException.badInput("the vulnerability database " + location + " holds no OSV records"
                    + (bad.isEmpty() ? "" : " (" + bad.size() + " JSON files were not OSV records)")
                    + "; point the scan at a directory or zip of OSV JSON files");
        }
        Map<String, int[]> byPackage = new HashMap<>();
        keys.forEach((k, v) -> byPackage.put(k, v.stream().mapToInt(Integer::intValue).distinct().toArray()));
        List<String> warnings = new ArrayList<>();
        if (!bad.isEmpty()) {
            warnings.add(bad.size() + " files in the vulnerability database are not OSV records and were skipped: "
                    + String.join(", ", bad.subList(0, Math.min(5, bad.size()))) + (bad.size() > 5 ? ", ..." : ""));
        }
        Info info = new Info(location.toString(), fingerprint, names.size(), newest[0], warnings);
        progress.line("Vulnerability database " + location + ": " + names.size() + " records, " + byPackage.size()
                + " packages indexed");
        return new OsvDatabase(location, containers, names.toArray(String[]::new),
                owners.stream().mapToInt(Integer::intValue).toArray(), byPackage, info);
    }

    private static void index(byte[] json, String name, int container, List<String> names, List<Integer> owners,
            Map<String, List<Integer>> keys, List<String> bad, String[] newest) {
        List<String[]> affected;
        try {
            OsvParser.Keys parsed = OsvParser.keys(json);
            affected = parsed.affected();
            if (parsed.modified() != null && parsed.modified().compareTo(newest[0]) > 0) {
                newest[0] = parsed.modified();
            }
        } catch (IOException e) {
            bad.add(name);
            return;
        }
        int id = names.size();
        names.add(name);
        owners.add(container);
        for (String[] k : affected) {
            keys.computeIfAbsent(key(k[0], k[1]), x -> new ArrayList<>(2)).add(id);
        }
    }

    // --- the persisted index ---

    private void writeIndex(Path file, ProgressListener progress) {
        try {
            Files.createDirectories(file.getParent());
            Path tmp = Files.createTempFile(file.getParent(), "osv-index", ".tmp");
            try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp),
                    1 << 16))) {
                out.writeInt(INDEX_FORMAT);
                out.writeUTF(info.fingerprint());
                out.writeUTF(info.newestModified());
                out.writeInt(info.warnings().size());
                for (String w : info.warnings()) {
                    out.writeUTF(w);
                }
                out.writeInt(entries.length);
                for (int i = 0; i < entries.length; i++) {
                    out.writeInt(containerOf[i]);
                    out.writeUTF(entries[i]);
                }
                out.writeInt(byPackage.size());
                for (Map.Entry<String, int[]> e : byPackage.entrySet()) {
                    out.writeUTF(e.getKey());
                    out.writeInt(e.getValue().length);
                    for (int id : e.getValue()) {
                        out.writeInt(id);
                    }
                }
            }
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
            progress.line("Index written to " + file);
        } catch (IOException e) {
            // The index only saves time; the scan goes on with the one in memory.
            progress.line("Could not write the index to " + file + " (" + e.getMessage() + "); the next scan will"
                    + " index the database again");
        }
    }

    private static OsvDatabase readIndex(Path location, List<Path> containers, String fingerprint, Path file)
            throws IOException {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
            if (in.readInt() != INDEX_FORMAT || !in.readUTF().equals(fingerprint)) {
                throw new IOException("it belongs to another database state");
            }
            String newest = in.readUTF();
            List<String> warnings = new ArrayList<>();
            for (int i = in.readInt(); i > 0; i--) {
                warnings.add(in.readUTF());
            }
            int count = in.readInt();
            String[] entries = new String[count];
            int[] owners = new int[count];
            for (int i = 0; i < count; i++) {
                owners[i] = in.readInt();
                entries[i] = in.readUTF();
            }
            int keys = in.readInt();
            Map<String, int[]> byPackage = new HashMap<>(keys * 2);
            for (int k = 0; k < keys; k++) {
                String key = in.readUTF();
                int[] ids = new int[in.readInt()];
                for (int i = 0; i < ids.length; i++) {
                    ids[i] = in.readInt();
                }
                byPackage.put(key, ids);
            }
            return new OsvDatabase(location, containers, entries, owners, byPackage,
                    new Info(location.toString(), fingerprint, count, newest, warnings));
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
