package io.jenkins.plugins.immutable.ledger;

import static io.jenkins.plugins.immutable.ledger.LedgerChainTest.assertMentions;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.ProgressListener;
import io.jenkins.plugins.immutable.image.Digest;
import io.jenkins.plugins.immutable.image.ImageManifest;
import io.jenkins.plugins.immutable.image.Manifest;
import io.jenkins.plugins.immutable.image.MediaTypes;
import io.jenkins.plugins.immutable.image.Repository;
import io.jenkins.plugins.immutable.registry.RegistryClient;
import io.jenkins.plugins.immutable.registry.RegistryClientTest;
import io.jenkins.plugins.immutable.testing.Stack;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.junit.Test;

/** The ledger in the stack's real registry: history, hash chain, hand edits, concurrent writers. */
public class LedgerTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final RegistryClient client = RegistryClient.builder().build();
    private final Repository repo = new Repository(Stack.registry(), Stack.uniqueRepository("ledger"));
    private final LedgerLocation prod = new LedgerLocation(repo, "prod");

    private Ledger ledger() {
        return new Ledger(client, Clock.systemUTC(), Duration.ofMillis(50), 5);
    }

    private Digest image(int seed) {
        ImageManifest m = RegistryClientTest.image(client, repo, MediaTypes.OCI_MANIFEST, seed);
        client.putManifest(repo.digest(m.digest()), m);
        return m.digest();
    }

    /** Records a deployment and moves the tag, as a promotion does. */
    private static LedgerEntry deploy(Ledger ledger, LedgerLocation where, Digest digest, String actor) {
        LedgerEntry e = ledger.record(where, Event.promotion(digest, Outcome.DEPLOYED, actor).withRun("run-" + actor),
                ProgressListener.NONE);
        ledger.moveTag(where, digest);
        return e;
    }

    /** The ledger layer under the ledger tag, as stored. */
    private byte[] storedLayer() {
        ImageManifest m = (ImageManifest) client.getManifest(repo.tag(prod.ledgerTag()));
        return client.readBlob(repo, m.layers().get(0));
    }

    /** Pushes {@code layer} under the ledger tag with plain registry calls, as someone editing it by hand would. */
    private Digest pushByHand(byte[] layer) {
        ImageManifest m = ImageManifest.builder(MediaTypes.OCI_MANIFEST)
                .artifactType(LedgerFormat.MEDIA_TYPE)
                .config(client.pushBlob(repo, "{}".getBytes(StandardCharsets.UTF_8)).withMediaType(MediaTypes.OCI_EMPTY))
                .layer(client.pushBlob(repo, layer).withMediaType(LedgerFormat.MEDIA_TYPE))
                .build();
        client.putManifest(repo.tag(prod.ledgerTag()), m);
        return m.digest();
    }

    private byte[] editEntries(byte[] layer, Consumer<ArrayNode> edit) throws Exception {
        ObjectNode root = (ObjectNode) JSON.readTree(layer);
        edit.accept((ArrayNode) root.get("entries"));
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
    }

    private static EngineException integrityError(Runnable r) {
        try {
            r.run();
        } catch (EngineException e) {
            assertEquals(e.getMessage(), EngineException.Kind.INTEGRITY, e.kind());
            return e;
        }
        throw new AssertionError("expected the ledger to be reported as broken");
    }

    @Test
    public void anEnvironmentWithoutALedgerHasAnEmptyIntactHistory() {
        Ledger ledger = ledger();
        LedgerHistory h = ledger.read(prod);
        assertTrue(h.isEmpty());
        assertNull(h.version());
        assertTrue(ledger.verify(prod).intact());
        assertFalse(ledger.tagged(prod).isPresent());
    }

    @Test
    public void recordedEntriesReadBackIntactInAnotherLedgerWithTheChainAndTheTag() {
        Digest d1 = image(1);
        Digest d2 = image(2);
        Digest d3 = image(3);
        Ledger writer = ledger();
        LedgerEntry first = deploy(writer, prod, d1, "alice");
        deploy(writer, prod, d2, "bob");
        writer.record(prod, Event.promotion(d3, Outcome.FAILED, "carol").withReason("health check failed"),
                ProgressListener.NONE);

        LedgerHistory h = ledger().read(prod);
        assertEquals(3, h.entries().size());
        assertEquals(first, h.entries().get(0));
        assertEquals(d2, h.live().orElseThrow());
        assertEquals(d2, ledger().tagged(prod).orElseThrow());
        LedgerEntry failed = h.entries().get(2);
        assertEquals(d2, failed.previousDigest());
        assertEquals(h.entries().get(1).hash(), failed.previousHash());
        assertEquals(h.previousVersion(), failed.previousLedger());
        assertEquals("health check failed", failed.reason());
        assertEquals(d1, h.previousKnownGood().orElseThrow().digest());

        Manifest m = client.getManifest(repo.tag(prod.ledgerTag()));
        assertEquals(LedgerFormat.MEDIA_TYPE, m.artifactType());
        assertEquals(h.version(), m.digest());
        assertTrue(ledger().verify(prod).describe(), ledger().verify(prod).intact());
    }

    @Test
    public void aLedgerEditedByHandInTheRegistryIsReportedAsBroken() throws Exception {
        Digest d1 = image(1);
        Digest d2 = image(2);
        Ledger writer = ledger();
        deploy(writer, prod, d1, "alice");
        deploy(writer, prod, d2, "bob");
        Digest good = client.headManifest(repo.tag(prod.ledgerTag())).orElseThrow().digest();

        Digest edited = pushByHand(editEntries(storedLayer(), e -> ((ObjectNode) e.get(0)).put("actor", "mallory")));

        LedgerVerification v = ledger().verify(prod);
        assertFalse(v.intact());
        assertEquals(edited, v.version());
        assertMentions(v.problems(), "entry #1 (promote " + d1.shortForm());
        assertMentions(v.problems(), "was changed after it was written");
        assertTrue(v.describe(), v.describe().contains("BROKEN"));
        // The writer saw the good version and names it; a newcomer finds the version the edited one replaced.
        assertEquals(good, writer.verify(prod).lastIntactVersion());

        EngineException e = integrityError(() -> ledger().read(prod));
        assertTrue(e.getMessage(), e.getMessage().contains("mallory") || e.getMessage().contains("entry #1"));
        integrityError(() -> writer.record(prod, Event.promotion(d1, Outcome.DEPLOYED, "x"), ProgressListener.NONE));
        assertEquals("nothing is written over a broken ledger", edited,
                client.headManifest(repo.tag(prod.ledgerTag())).orElseThrow().digest());
    }

    @Test
    public void aHistoryRewrittenWithRecomputedHashesIsReportedAgainstTheVersionItReplaced() throws Exception {
        Digest d1 = image(1);
        Digest d2 = image(2);
        Digest d3 = image(3);
        Ledger writer = ledger();
        deploy(writer, prod, d1, "alice");
        deploy(writer, prod, d2, "bob");
        deploy(writer, prod, d3, "carol");
        pushByHand(editEntries(storedLayer(), e -> {
            ((ObjectNode) e.get(1)).put("actor", "mallory");
            Digest previous = Digest.parse(e.get(0).get("hash").asText());
            for (int i = 1; i < e.size(); i++) {
                ObjectNode n = (ObjectNode) e.get(i);
                n.put("previousHash", previous.toString());
                n.put("hash", LedgerFormat.hash(n).toString());
                previous = Digest.parse(n.get("hash").asText());
            }
        }));
        LedgerVerification v = ledger().verify(prod);
        assertFalse(v.intact());
        assertMentions(v.problems(), "differs from the one in the version it replaced");
    }

    /** The ledger version under the ledger tag now. */
    private Digest head() {
        return client.headManifest(repo.tag(prod.ledgerTag())).orElseThrow().digest();
    }

    /**
     * The first {@code count} entries of {@code entries}, with every hash and link recomputed as a forger with push
     * rights can: the last one appended to {@code appendedTo}.
     */
    private static ArrayNode rechained(ArrayNode entries, int count, Digest appendedTo) {
        ArrayNode result = JSON.createArrayNode();
        String previous = null;
        for (int i = 0; i < count; i++) {
            ObjectNode n = entries.get(i).deepCopy();
            if (previous == null) {
                n.remove("previousHash");
            } else {
                n.put("previousHash", previous);
            }
            if (i == count - 1 && appendedTo != null) {
                n.put("previousLedger", appendedTo.toString());
            }
            n.put("hash", LedgerFormat.hash(n).toString());
            previous = n.get("hash").asText();
            result.add(n);
        }
        return result;
    }

    /** Pushes a ledger version by hand with these entries, naming {@code previousVersion}, under the ledger tag. */
    private Digest pushVersion(ArrayNode entries, Digest previousVersion) throws Exception {
        ObjectNode root = JSON.createObjectNode();
        root.put("schemaVersion", LedgerFormat.SCHEMA_VERSION);
        root.put("environment", "prod");
        root.put("previousVersion", previousVersion.toString());
        root.set("entries", entries);
        return pushByHand(JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
    }

    @Test
    public void aHistoryRewrittenFromEntryOneAndPushedAsSeveralForgedVersionsIsReportedWhereItLeavesTheGenuine()
            throws Exception {
        Digest d1 = image(1);
        Digest d2 = image(2);
        Digest d3 = image(3);
        Digest unsigned = image(9);
        Ledger writer = ledger();
        deploy(writer, prod, d1, "alice");
        Digest v1 = head();
        deploy(writer, prod, d2, "bob");
        deploy(writer, prod, d3, "carol");
        ArrayNode genuine = (ArrayNode) JSON.readTree(storedLayer()).get("entries");

        // Entry #1 now says an unsigned digest was deployed by mallory; everything after it is rechained.
        ArrayNode forged = genuine.deepCopy();
        ((ObjectNode) forged.get(0)).put("digest", unsigned.toString()).put("actor", "mallory");
        ((ObjectNode) forged.get(1)).put("previousDigest", unsigned.toString());
        Digest a = pushVersion(rechained(forged, 2, v1), v1);
        pushVersion(rechained(forged, 3, a), a);

        LedgerVerification v = ledger().verify(prod);
        assertFalse("two forged versions on top of a genuine one pass as intact", v.intact());
        assertMentions(v.problems(), "entry #1 of version " + a + " differs from the one in the version it"
                + " replaced, " + v1);
        EngineException e = integrityError(() -> ledger().read(prod));
        assertTrue(e.getMessage(), e.getMessage().contains("Nothing was changed"));
        // The advice names the genuine version the forgery was built on, never one of the forged ones.
        assertEquals(v1, v.lastIntactVersion());
    }

    @Test
    public void aLedgerTagMovedBackToAnOlderGenuineVersionIsDetectedByTheAnchorKeptFromAnEarlierRun()
            throws Exception {
        Path state = java.nio.file.Files.createTempDirectory("anchors");
        LedgerAnchors kept = new FileLedgerAnchors(state);
        Digest d1 = image(1);
        deploy(new Ledger(client, Clock.systemUTC(), Duration.ofMillis(50), 5, kept), prod, d1, "alice");
        Digest older = head();
        new Ledger(client, Clock.systemUTC(), Duration.ofMillis(50), 5, kept).record(prod,
                Event.promotion(image(2), Outcome.FAILED, "bob").withReason("health check failed"),
                ProgressListener.NONE);
        Digest newer = head();
        // A later run reads it, as `immutable history` does, and keeps its anchor.
        assertEquals(2, new Ledger(client, kept).read(prod).entries().size());

        // The older version's own chain is intact and the environment tag agrees with it: only an anchor tells.
        client.putManifest(repo.tag(prod.ledgerTag()), client.getManifest(repo.digest(older)));
        assertTrue("without an anchor the older version looks intact", ledger().verify(prod).intact());
        LedgerVerification v = new Ledger(client, kept).verify(prod);
        assertFalse(v.intact());
        assertMentions(v.problems(), "is not among the versions the ledger's head was built on");
        assertMentions(v.problems(), new FileLedgerAnchors(state).file(prod).toString());
        assertEquals(newer, v.lastIntactVersion());
        integrityError(() -> new Ledger(client, kept).record(prod, Event.promotion(d1, Outcome.FAILED, "x"),
                ProgressListener.NONE));
        assertEquals("nothing is written over a rolled-back ledger", older, head());

        // Deleting the head altogether is no empty ledger either.
        client.putManifest(repo.tag(prod.ledgerTag()), client.getManifest(repo.digest(newer)));
        assertEquals(2, new Ledger(client, kept).read(prod).entries().size());
        assertTrue(client.deleteManifest(repo.digest(newer)));
        LedgerVerification deleted = new Ledger(client, kept).verify(prod);
        assertMentions(deleted.problems(), "the ledger tag " + prod.ledgerTag() + " is gone, but version");
        assertTrue("without an anchor it reads as empty", ledger().verify(prod).intact());
    }

    @Test
    public void droppingTheLastEntryIsReportedByTheTagAndByAWriterThatSawIt() {
        Digest d1 = image(1);
        Digest d2 = image(2);
        Ledger writer = ledger();
        deploy(writer, prod, d1, "alice");
        Digest before = client.headManifest(repo.tag(prod.ledgerTag())).orElseThrow().digest();
        deploy(writer, prod, d2, "bob");
        // Put the older version back under the ledger tag: its own chain is intact.
        client.putManifest(repo.tag(prod.ledgerTag()), client.getManifest(repo.digest(before)));

        LedgerVerification newcomer = ledger().verify(prod);
        assertMentions(newcomer.problems(), "the tag prod points at " + d2 + ", but the ledger says " + d1
                + " is live");
        assertMentions(writer.verify(prod).problems(), "the ledger had 2 entries");
    }

    @Test
    public void aTagMovedByHandIsReported() {
        Digest d1 = image(1);
        Digest d2 = image(2);
        Ledger writer = ledger();
        deploy(writer, prod, d1, "alice");
        deploy(writer, prod, d2, "bob");
        client.putManifest(repo.tag("prod"), client.getManifest(repo.digest(image(3))));
        LedgerVerification v = ledger().verify(prod);
        assertMentions(v.problems(), "was moved or deleted by hand; point it back at " + d2.shortForm());
    }

    @Test
    public void aPromotionStoppedBeforeMovingTheTagIsNotABreak() {
        Digest d1 = image(1);
        Digest d2 = image(2);
        Ledger writer = ledger();
        deploy(writer, prod, d1, "alice");
        writer.record(prod, Event.promotion(d2, Outcome.DEPLOYED, "bob"), ProgressListener.NONE);
        assertTrue(ledger().verify(prod).intact());
        assertEquals(d1, ledger().tagged(prod).orElseThrow());
    }

    @Test
    public void aWriteAgainstAStaleHeadIsAConflictThatSaysSo() {
        Ledger a = ledger();
        Ledger b = ledger();
        LedgerHistory stale = a.read(prod);
        b.record(prod, Event.promotion(image(1), Outcome.FAILED, "b"), ProgressListener.NONE);
        LedgerHistory next = LedgerFormat.append(stale, Event.promotion(image(2), Outcome.FAILED, "a"),
                Clock.systemUTC().instant());
        try {
            a.write(prod, stale, next);
            fail("expected a conflict");
        } catch (LedgerConflictException e) {
            assertTrue(e.getMessage(), e.getMessage().startsWith("conflicting write to the ledger " + prod
                    + ": another writer moved it from nothing to "));
        }
        assertEquals(1, a.read(prod).entries().size());
    }

    @Test
    public void aWriteOverwrittenByAnotherWriterIsDetectedAndRetriedFromTheNewHead() throws Exception {
        Digest d1 = image(1);
        Digest dA = image(2);
        Digest dB = image(3);
        deploy(ledger(), prod, d1, "setup");
        Digest base = client.headManifest(repo.tag(prod.ledgerTag())).orElseThrow().digest();
        LedgerHistory baseHistory = ledger().read(prod);

        // A waits long after tagging before it checks; meanwhile "another process" tags a version built on the same
        // base, which A's check must catch.
        Ledger a = new Ledger(client, Clock.systemUTC(), Duration.ofSeconds(2), 5);
        List<String> log = Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<LedgerEntry> writeA = pool.submit(() -> a.record(prod,
                    Event.promotion(dA, Outcome.FAILED, "process-a"), log::add));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (base.equals(client.headManifest(repo.tag(prod.ledgerTag())).orElseThrow().digest())) {
                assertTrue("A never tagged its version", System.nanoTime() < deadline);
                Thread.sleep(20);
            }
            pushByHand(LedgerFormat.write(LedgerFormat.append(baseHistory,
                    Event.promotion(dB, Outcome.FAILED, "process-b"), Clock.systemUTC().instant())));
            LedgerEntry entryA = writeA.get(60, TimeUnit.SECONDS);
            assertEquals(3, entryA.sequence());
        } finally {
            pool.shutdownNow();
        }
        assertMentions(log, "was overwritten by another writer");
        LedgerHistory h = ledger().read(prod);
        assertEquals(List.of("setup", "process-b", "process-a"),
                h.entries().stream().map(LedgerEntry::actor).collect(Collectors.toList()));
    }

    @Test
    public void aWriterWhoseWriteWasLostUnnoticedIsToldOnItsNextRead() {
        Ledger a = ledger();
        LedgerHistory base = a.read(prod);
        a.record(prod, Event.promotion(image(1), Outcome.FAILED, "a"), ProgressListener.NONE);
        // Another process, working from the base, tags its own first entry over A's.
        pushByHand(LedgerFormat.write(LedgerFormat.append(base, Event.promotion(image(2), Outcome.FAILED, "b"),
                Clock.systemUTC().instant())));
        EngineException e = integrityError(() -> a.read(prod));
        assertTrue(e.getMessage(), e.getMessage().contains("entry #1 is not the one seen in version"));
    }

    @Test
    public void aReaderThatSawALosingWriteAcceptsTheWinnerThatReplacedIt() {
        deploy(ledger(), prod, image(1), "setup");
        LedgerHistory base = ledger().read(prod);
        // A tags its entry #2; a reader sees it; B, which checked the head before A tagged, then tags its own entry #2
        // over it (A's check finds that a moment later and appends again). The reader's next read is no alarm.
        pushByHand(LedgerFormat.write(LedgerFormat.append(base, Event.promotion(image(2), Outcome.FAILED, "a"),
                Clock.systemUTC().instant())));
        Ledger reader = ledger();
        assertEquals("a", reader.read(prod).last().orElseThrow().actor());
        pushByHand(LedgerFormat.write(LedgerFormat.append(base, Event.promotion(image(3), Outcome.FAILED, "b"),
                Clock.systemUTC().instant())));
        assertEquals("b", reader.read(prod).last().orElseThrow().actor());
    }

    @Test
    public void aReaderStillSeesAnEarlierEntryRewritten() {
        deploy(ledger(), prod, image(1), "setup");
        LedgerHistory first = ledger().read(prod);
        Ledger reader = ledger();
        reader.record(prod, Event.promotion(image(2), Outcome.FAILED, "a"), ProgressListener.NONE);
        ledger().record(prod, Event.promotion(image(3), Outcome.FAILED, "b"), ProgressListener.NONE);
        Ledger onlyRead = ledger();
        assertEquals(3, onlyRead.read(prod).entries().size());
        // Entry #2, which the reader saw built upon, is replaced: a rewrite, not a race.
        pushByHand(LedgerFormat.write(LedgerFormat.append(first, Event.promotion(image(4), Outcome.FAILED, "mallory"),
                Clock.systemUTC().instant())));
        EngineException e = integrityError(() -> onlyRead.read(prod));
        assertTrue(e.getMessage(), e.getMessage().contains("entries were lost")
                || e.getMessage().contains("entry #2 is not the one seen"));
    }

    @Test
    public void concurrentWritersInOneProcessAreSerialised() throws Exception {
        Digest d = image(1);
        int threads = 4;
        int each = 4;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<String> log = Collections.synchronizedList(new ArrayList<>());
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                String actor = "thread-" + t;
                Ledger own = ledger();
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < each; i++) {
                        own.record(prod, Event.promotion(d, Outcome.FAILED, actor), log::add);
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        LedgerHistory h = ledger().read(prod);
        assertEquals(threads * each, h.entries().size());
        assertEquals("no conflict within one process: " + log, List.of(), log);
        assertEquals(threads, h.entries().stream().map(LedgerEntry::actor).collect(Collectors.toSet()).size());
    }

    @Test
    public void concurrentWritersInSeveralProcessesLoseNoEntry() throws Exception {
        int processes = 3;
        int each = 4;
        List<Process> running = new ArrayList<>();
        try {
            for (int p = 0; p < processes; p++) {
                running.add(new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp", System.getProperty("java.class.path"), LedgerWriterProcess.class.getName(),
                        repo.toString(), "prod", "process-" + p, Integer.toString(each))
                        .redirectErrorStream(true).start());
            }
            int conflicts = 0;
            for (Process p : running) {
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(out, p.waitFor(120, TimeUnit.SECONDS));
                assertEquals(out, 0, p.exitValue());
                conflicts += out.split("conflicting write", -1).length - 1;
            }
            System.out.println("conflicts detected and retried across processes: " + conflicts);
        } finally {
            running.forEach(Process::destroyForcibly);
        }
        LedgerHistory h = ledger().read(prod);
        assertEquals(processes * each, h.entries().size());
        Set<String> actors = h.entries().stream().map(LedgerEntry::actor).collect(Collectors.toSet());
        assertEquals(Set.of("process-0", "process-1", "process-2"), actors);
    }
}
