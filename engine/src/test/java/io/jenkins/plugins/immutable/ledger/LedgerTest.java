package io.jenkins.plugins.immutable.ledger;

import static io.jenkins.plugins.immutable.ledger.LedgerChainTest.assertMentions;
import static io.jenkins.plugins.immutable.ledger.LedgerObservationTest.drift;
import static io.jenkins.plugins.immutable.ledger.LedgerObservationTest.rescan;
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
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.Test;

/** The ledger in the stack's real registry: history, hash chain, hand edits, concurrent writers. */
public class LedgerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WEEK = Observed.RECONFIRM_AFTER;

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

    /** The ledger layer of {@code version}, as stored. */
    private byte[] layer(Digest version) {
        ImageManifest m = (ImageManifest) client.getManifest(repo.digest(version));
        return client.readBlob(repo, m.layers().get(0));
    }

    /** The ledger layer under the ledger tag, as stored. */
    private byte[] storedLayer() {
        return layer(head());
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
    public void oneCheckGivesTheHistoryAndItsVerificationAndNoHistoryWhenBroken() throws Exception {
        Digest d1 = image(1);
        deploy(ledger(), prod, d1, "alice");
        Ledger.Checked intact = ledger().check(prod);
        assertTrue(intact.verification().intact());
        assertEquals(ledger().read(prod).entries(), intact.history().entries());

        pushByHand(editEntries(storedLayer(), entries -> ((ObjectNode) entries.get(0)).put("actor", "mallory")));
        Ledger.Checked broken = ledger().check(prod);
        assertFalse(broken.verification().intact());
        assertNull(broken.history());
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

    /**
     * Runs {@code write} with a ledger that waits long after tagging its version before it checks it, and meanwhile
     * tags over it {@code other} appended to {@code base}, as another process that checked the head before the first
     * tagged would: the first writer's check must catch it. Returns what {@code write} returned.
     */
    private <T> T overwrittenWhileSettling(Function<Ledger, T> write, LedgerHistory base, Event other,
            List<String> log) throws Exception {
        Ledger slow = new Ledger(client, Clock.systemUTC(), Duration.ofSeconds(2), 5);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<T> written = pool.submit(() -> write.apply(slow));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (base.version().equals(head())) {
                assertTrue("the first writer never tagged its version", System.nanoTime() < deadline);
                Thread.sleep(20);
            }
            pushByHand(LedgerFormat.write(LedgerFormat.append(base, other, Clock.systemUTC().instant())));
            T result = written.get(60, TimeUnit.SECONDS);
            assertMentions(log, "was overwritten by another writer");
            return result;
        } finally {
            pool.shutdownNow();
        }
    }

    private static List<String> actions(LedgerHistory h) {
        return h.entries().stream().map(e -> e.action() + " by " + e.actor()).toList();
    }

    @Test
    public void aWriteOverwrittenByAnotherWriterIsDetectedAndRetriedFromTheNewHead() throws Exception {
        Digest dA = image(2);
        Digest dB = image(3);
        deploy(ledger(), prod, image(1), "setup");
        List<String> log = Collections.synchronizedList(new ArrayList<>());
        LedgerEntry entryA = overwrittenWhileSettling(a -> a.record(prod,
                Event.promotion(dA, Outcome.FAILED, "process-a"), log::add), ledger().read(prod),
                Event.promotion(dB, Outcome.FAILED, "process-b"), log);
        assertEquals(3, entryA.sequence());
        LedgerHistory h = ledger().read(prod);
        assertEquals(List.of("setup", "process-b", "process-a"),
                h.entries().stream().map(LedgerEntry::actor).collect(Collectors.toList()));
    }

    @Test
    public void aPromotionThatLosesARaceToAnObservationIsRetriedOnTopOfIt() throws Exception {
        Digest d1 = image(1);
        Digest d2 = image(2);
        deploy(ledger(), prod, d1, "setup");
        List<String> log = Collections.synchronizedList(new ArrayList<>());
        LedgerEntry promotion = overwrittenWhileSettling(a -> a.record(prod,
                Event.promotion(d2, Outcome.DEPLOYED, "promoter"), log::add), ledger().read(prod),
                Event.observed(drift(d1, "prod-blue-1"), "observer"), log);
        assertEquals(3, promotion.sequence());
        LedgerHistory h = ledger().read(prod);
        assertEquals(List.of("promote by setup", "drift by observer", "promote by promoter"), actions(h));
        assertEquals("the promotion is not lost: it is live", d2, h.live().orElseThrow());
    }

    @Test
    public void anObservationThatLosesARaceToAPromotionIsDecidedAgainOnTheNewHead() throws Exception {
        Digest d1 = image(1);
        Digest d2 = image(2);
        deploy(ledger(), prod, d1, "setup");
        List<String> log = Collections.synchronizedList(new ArrayList<>());
        Observed observed = overwrittenWhileSettling(a -> a.observe(prod,
                Event.observed(drift(d1, "prod-blue-1"), "observer"), WEEK, log::add), ledger().read(prod),
                Event.promotion(d2, Outcome.DEPLOYED, "promoter"), log);
        assertEquals("the drift was seen against d1, which the promotion replaced", Observed.Result.STALE,
                observed.result());
        LedgerHistory h = ledger().read(prod);
        assertEquals(List.of("promote by setup", "promote by promoter"), actions(h));
        assertEquals(d2, h.live().orElseThrow());
    }

    @Test
    public void onlyAChangedObservationIsRecordedUnlessTheLastIsOldAndOnlyWhileWhatItSawIsLive() throws Exception {
        Digest d1 = image(1);
        Digest d2 = image(2);
        Ledger writer = ledger();
        deploy(writer, prod, d1, "alice");
        Digest plain = head();

        Observed first = writer.observe(prod, Event.observed(drift(d1, "prod-blue-1"), "carol"), WEEK, null);
        assertEquals(Observed.Result.RECORDED, first.result());
        assertEquals(2, first.entry().sequence());
        Digest afterFirst = head();
        assertEquals(1, JSON.readTree(layer(plain)).get("schemaVersion").asInt());
        assertEquals("the first observation makes the ledger schema 4", 4,
                JSON.readTree(storedLayer()).get("schemaVersion").asInt());

        Observed same = writer.observe(prod, Event.observed(drift(d1, "prod-blue-1"), "dave"), WEEK, null);
        assertEquals(Observed.Result.UNCHANGED, same.result());
        assertEquals(first.entry(), same.entry());
        assertEquals("nothing written", afterFirst, head());
        assertTrue(same.message(), same.message().startsWith("unchanged since entry #2 of prod ("));

        assertEquals("a rescan is compared with the last rescan, not with the last drift check",
                Observed.Result.RECORDED, writer.observe(prod, Event.observed(rescan(d1, 0), "job"), WEEK, null)
                        .result());
        assertEquals("the same drift again, once the last is older than asked", Observed.Result.RECORDED,
                writer.observe(prod, Event.observed(drift(d1, "prod-blue-1"), "dave"), Duration.ZERO, null).result());
        assertEquals(Observed.Result.RECORDED, writer.observe(prod, Event.observed(drift(d1), "carol"), WEEK, null)
                .result());

        deploy(writer, prod, d2, "alice");
        Observed stale = writer.observe(prod, Event.observed(drift(d1), "carol"), WEEK, null);
        assertEquals(Observed.Result.STALE, stale.result());
        assertNull(stale.entry());
        assertEquals("not recorded in the ledger of prod: the drift was made against " + d1.shortForm() + ", but "
                + d2.shortForm() + " is live now; check again", stale.message());
        assertEquals("a check against the new live digest is a new finding", Observed.Result.RECORDED,
                writer.observe(prod, Event.observed(drift(d2), "carol"), WEEK, null).result());

        LedgerHistory h = ledger().read(prod);
        assertEquals(List.of("promote by alice", "drift by carol", "rescan by job", "drift by dave", "drift by carol",
                "promote by alice", "drift by carol"), actions(h));
        assertEquals(d2, h.live().orElseThrow());
    }

    @Test
    public void aPromotionStoppedBeforeMovingTheTagIsNoBreakWithObservationsAfterIt() {
        Digest d1 = image(1);
        Digest d2 = image(2);
        Ledger writer = ledger();
        deploy(writer, prod, d1, "alice");
        writer.record(prod, Event.promotion(d2, Outcome.DEPLOYED, "bob"), ProgressListener.NONE);
        writer.observe(prod, Event.observed(rescan(d2, 0), "job"), WEEK, null);
        LedgerVerification v = ledger().verify(prod);
        assertTrue(v.describe(), v.intact());
        // a freeze after it still is: it is a decision, made while the promotion had not finished
        writer.record(prod, Event.freeze("carol", "incident"), ProgressListener.NONE);
        assertMentions(ledger().verify(prod).problems(), "was moved or deleted by hand");
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

    /**
     * Runs one {@link LedgerWriterProcess} per actor at once, each writing {@code each} entries to prod's ledger (its
     * mode: failed promotions, or {@code drift:<digest>}), and returns how many conflicts they detected and retried.
     */
    private int writeInProcesses(Map<String, String> modeByActor, int each) throws Exception {
        List<Process> running = new ArrayList<>();
        try {
            for (Map.Entry<String, String> who : modeByActor.entrySet()) {
                running.add(new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp", System.getProperty("java.class.path"), LedgerWriterProcess.class.getName(),
                        repo.toString(), "prod", who.getKey(), Integer.toString(each), who.getValue())
                        .redirectErrorStream(true).start());
            }
            int conflicts = 0;
            for (Process p : running) {
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(out, p.waitFor(120, TimeUnit.SECONDS));
                assertEquals(out, 0, p.exitValue());
                conflicts += out.split("conflicting write", -1).length - 1;
            }
            return conflicts;
        } finally {
            running.forEach(Process::destroyForcibly);
        }
    }

    @Test
    public void concurrentWritersInSeveralProcessesLoseNoEntry() throws Exception {
        int each = 4;
        int conflicts = writeInProcesses(Map.of("process-0", "promote", "process-1", "promote", "process-2",
                "promote"), each);
        System.out.println("conflicts detected and retried across processes: " + conflicts);
        LedgerHistory h = ledger().read(prod);
        assertEquals(3 * each, h.entries().size());
        Set<String> actors = h.entries().stream().map(LedgerEntry::actor).collect(Collectors.toSet());
        assertEquals(Set.of("process-0", "process-1", "process-2"), actors);
    }

    @Test
    public void promotionsAndDriftChecksInSeveralProcessesLoseNothing() throws Exception {
        Digest d1 = image(1);
        deploy(ledger(), prod, d1, "setup");
        int each = 4;
        int conflicts = writeInProcesses(Map.of("process-0", "promote", "process-1", "promote", "observer",
                "drift:" + d1), each);
        System.out.println("conflicts detected and retried across processes, promotions beside drift checks: "
                + conflicts);
        LedgerHistory h = ledger().read(prod);
        assertEquals(2 * each, h.entries().stream().filter(e -> e.action() == Action.PROMOTE
                && e.actor().startsWith("process-")).count());
        // each drift check alternates clean and drifted, so each is a change and is recorded
        assertEquals(each, h.entries().stream().filter(e -> e.action() == Action.DRIFT).count());
        assertEquals(d1, h.live().orElseThrow());
    }
}
