package io.jenkins.plugins.immutable.ledger;

import static io.jenkins.plugins.immutable.ledger.LedgerChainTest.assertMentions;
import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;

import io.jenkins.plugins.immutable.ProgressListener;
import io.jenkins.plugins.immutable.image.Digest;
import io.jenkins.plugins.immutable.image.ImageManifest;
import io.jenkins.plugins.immutable.image.MediaTypes;
import io.jenkins.plugins.immutable.image.Repository;
import io.jenkins.plugins.immutable.registry.RegistryClient;
import io.jenkins.plugins.immutable.registry.RegistryClientTest;
import io.jenkins.plugins.immutable.registry.RequestLog;
import io.jenkins.plugins.immutable.testing.EngineLog;
import io.jenkins.plugins.immutable.testing.Stack;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.stream.Stream;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * Copies of ledger versions kept between runs, with the stack's registry: read from a copy once kept, never trusted
 * without their digest, kept whole by writers at once, and no cover for a version deleted from the registry.
 */
public class LedgerVersionsTest {

    @Rule
    public final TemporaryFolder tmp = new TemporaryFolder();

    private final RegistryClient client = RegistryClient.builder().build();
    private final Repository repo = new Repository(Stack.registry(), Stack.uniqueRepository("ledger-versions"));
    private final LedgerLocation prod = new LedgerLocation(repo, "prod");

    /** Every registry request (at FINE), and warnings. */
    @Rule
    public final EngineLog log = new EngineLog(Level.FINE);

    private Ledger ledger(LedgerVersions versions) {
        return new Ledger(client, Clock.systemUTC(), Duration.ofMillis(50), 5, LedgerAnchors.NONE, versions,
                where -> Optional.empty());
    }

    /** Three versions written by a ledger that keeps no copies; returns them, newest first. */
    private List<Digest> threeVersions() {
        Ledger writer = ledger(LedgerVersions.NONE);
        List<Digest> written = new ArrayList<>();
        for (int seed = 1; seed <= 3; seed++) {
            ImageManifest image = RegistryClientTest.image(client, repo, MediaTypes.OCI_MANIFEST, seed);
            client.putManifest(repo.digest(image.digest()), image);
            writer.record(prod, Event.promotion(image.digest(), Outcome.DEPLOYED, "alice"), ProgressListener.NONE);
            writer.moveTag(prod, image.digest());
            written.add(0, writer.read(prod).version());
        }
        return written;
    }

    /** The registry requests logged since {@code from}, as "METHOD url". */
    private List<String> requests(int from) {
        List<String> seen = new ArrayList<>();
        List<LogRecord> records = log.records();
        for (LogRecord r : records.subList(from, records.size())) {
            if (r.getLoggerName().equals(RequestLog.LOGGER.getName()) && r.getParameters() != null
                    && r.getParameters().length >= 2) {
                seen.add(r.getParameters()[0] + " " + r.getParameters()[1]);
            }
        }
        return seen;
    }

    private List<String> warnings() {
        return log.records().stream().filter(r -> r.getLevel() == Level.WARNING)
                .map(r -> java.text.MessageFormat.format(r.getMessage(), r.getParameters())).toList();
    }

    @Test
    public void aVersionReadOnceIsReadFromItsCopyAfterTheRegistrySaysItIsThere() {
        List<Digest> versions = threeVersions();
        Path dir = tmp.getRoot().toPath().resolve("not/made/yet/ledger-versions");
        LedgerHistory first = ledger(new FileLedgerVersions(dir)).read(prod);
        for (Digest v : versions) {
            assertTrue("the directory is made and each version walked is kept: " + v,
                    Files.isRegularFile(new FileLedgerVersions(dir).file(v)));
        }

        int from = log.records().size();
        LedgerHistory again = ledger(new FileLedgerVersions(dir)).read(prod);
        assertEquals(first.entries(), again.entries());
        assertEquals(first.version(), again.version());
        List<String> asked = requests(from);
        assertTrue("no manifest nor layer downloaded again: " + asked, asked.stream().noneMatch(r -> r.startsWith("GET")));
        for (Digest v : versions.subList(1, versions.size())) {
            assertTrue("each earlier version is still asked for: " + asked,
                    asked.stream().anyMatch(r -> r.startsWith("HEAD") && r.endsWith("/manifests/" + v)));
        }
    }

    @Test
    public void aCopyThatIsNotWhatItsDigestNamesIsRefusedAndReadAgain() throws Exception {
        List<Digest> versions = threeVersions();
        Path dir = tmp.getRoot().toPath().resolve("ledger-versions");
        FileLedgerVersions kept = new FileLedgerVersions(dir);
        LedgerHistory genuine = ledger(kept).read(prod);
        byte[] headCopy = Files.readAllBytes(kept.file(versions.get(0)));

        // The head's layer edited in place (an actor renamed), the middle version's file replaced by the oldest's
        // (a whole copy, of another version), the oldest's overwritten with something that is no copy at all.
        String edited = new String(headCopy, StandardCharsets.ISO_8859_1).replace("\"alice\"", "\"mallory\"");
        assertNotEquals(new String(headCopy, StandardCharsets.ISO_8859_1), edited);
        Files.write(kept.file(versions.get(0)), edited.getBytes(StandardCharsets.ISO_8859_1));
        Files.copy(kept.file(versions.get(2)), kept.file(versions.get(1)), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.writeString(kept.file(versions.get(2)), "not a ledger version");

        int from = log.records().size();
        LedgerHistory read = ledger(kept).read(prod);
        assertEquals("the history is the registry's, not the edited copy's", genuine.entries(), read.entries());
        assertTrue(read.entries().stream().noneMatch(e -> e.actor().equals("mallory")));
        List<String> warned = warnings();
        for (Digest v : versions) {
            assertTrue(v + " " + warned, warned.stream().anyMatch(w -> w.contains(v.toString())
                    && w.contains("does not match its digest")));
            assertTrue("read from the registry again: " + v, requests(from).stream()
                    .anyMatch(r -> r.startsWith("GET") && r.endsWith("/manifests/" + v)));
        }
        assertArrayEquals("the genuine copy is kept again", headCopy, Files.readAllBytes(kept.file(versions.get(0))));
    }

    @Test
    public void writersAtOnceLeaveWholeCopies() throws Exception {
        threeVersions();
        Path dir = tmp.getRoot().toPath().resolve("ledger-versions");
        int readers = 8;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(readers);
        try {
            List<Future<LedgerHistory>> reads = new ArrayList<>();
            for (int i = 0; i < readers; i++) {
                reads.add(pool.submit(() -> {
                    start.await();
                    return ledger(new FileLedgerVersions(dir)).read(prod);
                }));
            }
            start.countDown();
            LedgerHistory first = reads.get(0).get(60, TimeUnit.SECONDS);
            for (Future<LedgerHistory> f : reads) {
                assertEquals(first.entries(), f.get(60, TimeUnit.SECONDS).entries());
            }
        } finally {
            pool.shutdownNow();
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals("one file per version, no temporary file left", 3, files.count());
        }
        int from = log.records().size();
        ledger(new FileLedgerVersions(dir)).read(prod);
        assertTrue("every copy passes its check", warnings().isEmpty());
        assertTrue(requests(from).stream().noneMatch(r -> r.startsWith("GET")));
    }

    @Test
    public void aVersionDeletedFromTheRegistryIsReportedThoughACopyIsKept() {
        List<Digest> versions = threeVersions();
        Path dir = tmp.getRoot().toPath().resolve("ledger-versions");
        ledger(new FileLedgerVersions(dir)).read(prod);
        assertTrue(Files.isRegularFile(new FileLedgerVersions(dir).file(versions.get(1))));

        assertTrue(client.deleteManifest(repo.digest(versions.get(1))));
        LedgerVerification v = ledger(new FileLedgerVersions(dir)).verify(prod);
        assertFalse(v.intact());
        assertMentions(v.problems(), versions.get(1) + " is missing from the registry");
    }

    @Test
    public void theLeastRecentlyUsedCopiesGoPastTheSize() throws Exception {
        Path dir = tmp.getRoot().toPath().resolve("ledger-versions");
        FileLedgerVersions kept = new FileLedgerVersions(dir, 3000);
        List<Digest> saved = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            byte[] layer = ("layer " + i + " ".repeat(1000)).getBytes(StandardCharsets.UTF_8);
            Digest d = Digest.sha256(layer);
            saved.add(d);
            kept.save(d, new LedgerVersions.Copy(new byte[0], layer));
            Files.setLastModifiedTime(kept.file(d), java.nio.file.attribute.FileTime.fromMillis(1_000_000L * (i + 1)));
            if (i == 1) {
                kept.load(saved.get(0)); // used again: newer than the second
            }
        }
        assertTrue("used last, kept", Files.exists(kept.file(saved.get(0))));
        assertFalse("used least recently, gone", Files.exists(kept.file(saved.get(1))));
        assertTrue(Files.exists(kept.file(saved.get(3))));
    }
}
