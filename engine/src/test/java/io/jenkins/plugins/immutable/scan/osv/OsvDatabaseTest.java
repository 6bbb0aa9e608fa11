package io.jenkins.plugins.immutable.scan.osv;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.ProgressListener;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class OsvDatabaseTest {

    static final Path TEST_DB = Path.of("..", "testdata", "osv-db");

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private static List<String> ids(List<OsvRecord> records) {
        return records.stream().map(OsvRecord::id).sorted().toList();
    }

    @Test
    public void directoryIsIndexedByEcosystemAndPackage() {
        try (OsvDatabase db = OsvDatabase.open(TEST_DB, ProgressListener.NONE)) {
            assertEquals(List.of("GHSA-jfh8-c2jp-5v3q"), ids(db.lookup("Maven", "org.apache.logging.log4j:log4j-core")));
            assertEquals(List.of("DEBIAN-CVE-2023-4039"), ids(db.lookup("Debian:12", "gcc-12")));
            assertEquals(List.of("DEBIAN-CVE-2023-4039-11"), ids(db.lookup("Debian:11", "gcc-12")));
            assertEquals("withdrawn records are left out", List.of("GHSA-hrpp-h998-j3pp"), ids(db.lookup("npm", "qs")));
            assertEquals("PyPI names compare PEP 503-normalised", List.of("PYSEC-2021-142"),
                    ids(db.lookup("PyPI", "PyYAML")));
            assertEquals(List.of(), db.lookup("Maven", "no:such"));
            assertEquals(18, db.info().records());
            assertEquals("2026-10-01T00:00:00Z", db.info().newestModified());
        }
    }

    @Test
    public void zipOfRecordsWorksLikeTheDirectoryAndTheIndexIsReusedFromTheCache() throws IOException {
        Path zip = tmp.getRoot().toPath().resolve("all.zip");
        zipDirectory(TEST_DB, zip);
        Path cache = tmp.newFolder("index").toPath();
        List<String> lines = new ArrayList<>();
        try (OsvDatabase db = OsvDatabase.open(zip, cache, lines::add)) {
            assertEquals(List.of("GO-2023-1571", "GO-2023-1988"), ids(db.lookup("Go", "golang.org/x/net")));
        }
        assertTrue(lines.toString(), lines.stream().anyMatch(l -> l.startsWith("Index written to ")));
        lines.clear();
        try (OsvDatabase db = OsvDatabase.open(zip, cache, lines::add)) {
            assertTrue(lines.toString(), lines.get(0).contains("(index reused from "));
            assertEquals(List.of("GO-2023-1571", "GO-2023-1988"), ids(db.lookup("Go", "golang.org/x/net")));
            assertEquals(18, db.info().records());
        }
        // A changed database has another fingerprint, so the stale index is not used.
        Files.setLastModifiedTime(zip, java.nio.file.attribute.FileTime.fromMillis(1_000_000));
        lines.clear();
        try (OsvDatabase db = OsvDatabase.open(zip, cache, lines::add)) {
            assertTrue(lines.toString(), lines.get(0).startsWith("Indexing the vulnerability database"));
        }
    }

    @Test
    public void missingDatabaseSaysWhatToDownload() {
        try {
            OsvDatabase.open(tmp.getRoot().toPath().resolve("nope"), ProgressListener.NONE);
            fail();
        } catch (EngineException e) {
            assertEquals(EngineException.Kind.BAD_INPUT, e.kind());
            assertTrue(e.getMessage(), e.getMessage().contains("does not exist; download OSV data"));
        }
    }

    @Test
    public void directoryWithoutRecordsIsRefusedAndBadFilesAreCounted() throws IOException {
        Path dir = tmp.newFolder("empty").toPath();
        Files.writeString(dir.resolve("notes.json"), "{\"hello\": 1}");
        try {
            OsvDatabase.open(dir, ProgressListener.NONE);
            fail();
        } catch (EngineException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("holds no OSV records (1 JSON files were not OSV records)"));
        }
        Files.copy(TEST_DB.resolve("npm/GHSA-hrpp-h998-j3pp.json"), dir.resolve("qs.json"));
        try (OsvDatabase db = OsvDatabase.open(dir, ProgressListener.NONE)) {
            assertEquals(1, db.info().records());
            assertTrue(db.info().warnings().get(0), db.info().warnings().get(0).startsWith(
                    "1 files in the vulnerability database are not OSV records and were skipped: notes.json"));
        }
    }

    static void zipDirectory(Path dir, Path zip) throws IOException {
        try (OutputStream out = Files.newOutputStream(zip); ZipOutputStream z = new ZipOutputStream(out);
                Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
                z.putNextEntry(new ZipEntry(f.getFileName().toString()));
                z.write(Files.readAllBytes(f));
                z.closeEntry();
            }
        }
    }
}
