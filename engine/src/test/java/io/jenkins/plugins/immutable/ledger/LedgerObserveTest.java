package io.jenkins.plugins.immutable.ledger;

import static io.jenkins.plugins.immutable.ledger.LedgerChainTest.assertMentions;
import static io.jenkins.plugins.immutable.ledger.LedgerObservationTest.drift;
import static io.jenkins.plugins.immutable.ledger.LedgerObservationTest.rescan;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.jenkins.plugins.immutable.ProgressListener;
import io.jenkins.plugins.immutable.image.Digest;
import io.jenkins.plugins.immutable.image.ImageManifest;
import io.jenkins.plugins.immutable.image.MediaTypes;
import io.jenkins.plugins.immutable.image.Repository;
import io.jenkins.plugins.immutable.registry.RegistryClient;
import io.jenkins.plugins.immutable.registry.RegistryClientTest;
import io.jenkins.plugins.immutable.sign.SigningKey;
import io.jenkins.plugins.immutable.testing.Stack;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.Test;

/**
 * Observations recorded in the stack's registry through {@link Ledger#observe}: only what changed, never over a
 * promotion that raced them, in signed ledgers as in unsigned ones, and readable beside schema 3 versions.
 */
public class LedgerObserveTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WEEK = Observed.RECONFIRM_AFTER;

    private final RegistryClient client = RegistryClient.builder().build();
    private final Repository repo = new Repository(Stack.registry(), Stack.uniqueRepository("ledger-observed"));
    private final LedgerLocation prod = new LedgerLocation(repo, "prod");

    private Ledger ledger() {
        return new Ledger(client, Clock.systemUTC(), Duration.ofMillis(50), 5);
    }

    private Digest image(int seed) {
        ImageManifest m = RegistryClientTest.image(client, repo, MediaTypes.OCI_MANIFEST, seed);
        client.putManifest(repo.digest(m.digest()), m);
        return m.digest();
    }

    private static void deploy(Ledger ledger, LedgerLocation where, Digest digest, String actor) {
        ledger.record(where, Event.promotion(digest, Outcome.DEPLOYED, actor), ProgressListener.NONE);
        ledger.moveTag(where, digest);
    }

    private Digest head() {
        return client.headManifest(repo.tag(prod.ledgerTag())).orElseThrow().digest();
    }

    private int schemaOf(Digest version) throws Exception {
        ImageManifest m = (ImageManifest) client.getManifest(repo.digest(version));
        return JSON.readTree(client.readBlob(repo, m.layers().get(0))).get("schemaVersion").asInt();
    }

    /** Pushes {@code history} under the ledger tag with plain registry calls, as another process writing it would. */
    private Digest pushByHand(LedgerHistory history) {
        ImageManifest m = ImageManifest.builder(MediaTypes.OCI_MANIFEST)
                .artifactType(LedgerFormat.MEDIA_TYPE)
                .config(client.pushBlob(repo, "{}".getBytes(StandardCharsets.UTF_8)).withMediaType(MediaTypes.OCI_EMPTY))
                .layer(client.pushBlob(repo, LedgerFormat.write(history)).withMediaType(LedgerFormat.MEDIA_TYPE))
                .build();
        client.putManifest(repo.tag(prod.ledgerTag()), m);
        return m.digest();
    }

    private static List<String> actions(LedgerHistory h) {
        return h.entries().stream().map(e -> e.action() + " by " + e.actor()).toList();
    }

    @Test
    public void onlyAChangedFindingIsRecordedUnlessTheLastIsOldAndNothingAfterTheLiveDigestChanged() throws Exception {
        Digest d1 = image(1);
        Digest d2 = image(2);
        Ledger writer = ledger();
        deploy(writer, prod, d1, "alice");
        Digest plain = head();

        Observed first = writer.observe(prod, Event.observed(drift(d1, "prod-blue-1"), "carol"), WEEK, null);
        assertEquals(Observed.Result.RECORDED, first.result());
        assertEquals(2, first.entry().sequence());
        Digest afterFirst = head();
        assertEquals(1, schemaOf(plain));
        assertEquals("the first observation makes the ledger schema 4", 4, schemaOf(afterFirst));

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
        Observed clean = writer.observe(prod, Event.observed(drift(d1), "carol"), WEEK, null);
        assertEquals(Observed.Result.RECORDED, clean.result());

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
    public void aSignedLedgerGoesFromSchema3To4WithItsFirstObservationAndEveryVersionStillVerifies() throws Exception {
        SigningKey key = SigningKey.generate();
        LedgerKey writerKey = new LedgerKey("ledger-prod", List.of(key.publicKey()), () -> key);
        LedgerKey readerKey = LedgerKey.verifyingWith("ledger-prod", List.of(key.publicKey()));
        Ledger signing = new Ledger(client, Clock.systemUTC(), Duration.ofMillis(50), 5, LedgerAnchors.NONE,
                where -> Optional.of(writerKey));
        Digest d1 = image(1);
        deploy(signing, prod, d1, "alice");
        Digest signed3 = head();
        signing.observe(prod, Event.observed(drift(d1), "carol"), WEEK, null);
        Digest signed4 = head();
        deploy(signing, prod, image(2), "bob");

        assertEquals(3, schemaOf(signed3));
        assertEquals(4, schemaOf(signed4));
        assertEquals(4, schemaOf(head()));
        Ledger reader = new Ledger(client, Clock.systemUTC(), Duration.ofMillis(50), 5, LedgerAnchors.NONE,
                where -> Optional.of(readerKey));
        LedgerVerification v = reader.verify(prod);
        assertTrue(v.describe(), v.intact());
        assertEquals("ledger-prod", v.signedWith());
        assertEquals(3, reader.read(prod).entries().size());
        assertTrue("read without the key too", ledger().verify(prod).intact());

        // A reader without the private key checks drift: an unchanged finding needs no write, a new one is refused
        // before anything is written, and says why.
        assertEquals(Observed.Result.RECORDED, signing.observe(prod, Event.observed(drift(reader.read(prod).live()
                .orElseThrow()), "carol"), WEEK, null).result());
        Digest before = head();
        assertEquals(Observed.Result.UNCHANGED, reader.observe(prod, Event.observed(drift(reader.read(prod).live()
                .orElseThrow()), "carol"), WEEK, null).result());
        try {
            reader.observe(prod, Event.observed(drift(reader.read(prod).live().orElseThrow(), "x"), "carol"), WEEK,
                    null);
            throw new AssertionError("a reader without the private key wrote a signed ledger");
        } catch (io.jenkins.plugins.immutable.EngineException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("ledger-prod"));
        }
        assertEquals(before, head());
    }

    @Test
    public void aPromotionThatLosesARaceToAnObservationIsRetriedOnTopOfIt() throws Exception {
        Digest d1 = image(1);
        Digest d2 = image(2);
        deploy(ledger(), prod, d1, "setup");
        Digest base = head();
        LedgerHistory baseHistory = ledger().read(prod);

        // The promotion's writer waits long after tagging before it checks; meanwhile another process records a
        // drift check built on the same base, over it.
        Ledger promoting = new Ledger(client, Clock.systemUTC(), Duration.ofSeconds(2), 5);
        List<String> log = Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<LedgerEntry> promotion = pool.submit(() -> promoting.record(prod,
                    Event.promotion(d2, Outcome.DEPLOYED, "promoter"), log::add));
            awaitHeadMovedFrom(base);
            pushByHand(LedgerFormat.append(baseHistory, Event.observed(drift(d1, "prod-blue-1"), "observer"),
                    Clock.systemUTC().instant()));
            assertEquals(3, promotion.get(60, TimeUnit.SECONDS).sequence());
        } finally {
            pool.shutdownNow();
        }
        assertMentions(log, "was overwritten by another writer");
        LedgerHistory h = ledger().read(prod);
        assertEquals(List.of("promote by setup", "drift by observer", "promote by promoter"), actions(h));
        assertEquals("the promotion is not lost: it is live", d2, h.live().orElseThrow());
    }

    @Test
    public void anObservationThatLosesARaceToAPromotionIsDecidedAgainOnTheNewHead() throws Exception {
        Digest d1 = image(1);
        Digest d2 = image(2);
        deploy(ledger(), prod, d1, "setup");
        Digest base = head();
        LedgerHistory baseHistory = ledger().read(prod);

        Ledger observing = new Ledger(client, Clock.systemUTC(), Duration.ofSeconds(2), 5);
        List<String> log = Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newSingleThreadExecutor();
        Observed observed;
        try {
            Future<Observed> check = pool.submit(() -> observing.observe(prod,
                    Event.observed(drift(d1, "prod-blue-1"), "observer"), WEEK, log::add));
            awaitHeadMovedFrom(base);
            pushByHand(LedgerFormat.append(baseHistory, Event.promotion(d2, Outcome.DEPLOYED, "promoter"),
                    Clock.systemUTC().instant()));
            observed = check.get(60, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
        assertMentions(log, "was overwritten by another writer");
        assertEquals("the drift was seen against d1, which the promotion replaced", Observed.Result.STALE,
                observed.result());
        LedgerHistory h = ledger().read(prod);
        assertEquals(List.of("promote by setup", "promote by promoter"), actions(h));
        assertEquals(d2, h.live().orElseThrow());
    }

    private void awaitHeadMovedFrom(Digest base) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (base.equals(head())) {
            assertTrue("the writer never tagged its version", System.nanoTime() < deadline);
            Thread.sleep(20);
        }
    }

    @Test
    public void promotionsAndDriftChecksInSeveralProcessesLoseNothing() throws Exception {
        Digest d1 = image(1);
        deploy(ledger(), prod, d1, "setup");
        int each = 4;
        List<Process> running = new ArrayList<>();
        try {
            for (String who : List.of("process-0", "process-1", "observer")) {
                running.add(new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp", System.getProperty("java.class.path"), LedgerWriterProcess.class.getName(),
                        repo.toString(), "prod", who, Integer.toString(each),
                        who.equals("observer") ? "drift:" + d1 : "promote")
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
        assertEquals(2 * each, h.entries().stream().filter(e -> e.action() == Action.PROMOTE
                && e.actor().startsWith("process-")).count());
        // each drift check alternates clean and drifted, so each is a change and is recorded
        assertEquals(each, h.entries().stream().filter(e -> e.action() == Action.DRIFT).count());
        assertEquals(d1, h.live().orElseThrow());
    }
}
