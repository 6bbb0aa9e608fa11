package io.jenkins.plugins.immutable.ledger;

import static io.jenkins.plugins.immutable.ledger.LedgerChainTest.assertMentions;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jenkins.plugins.immutable.EngineException;
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
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.Test;

/**
 * Ledgers signed with the environment's key, in the stack's registry, against an attacker who has push rights to the
 * registry but not the key: what signing detects that the hash chain alone cannot, and what it does not.
 */
public class LedgerSigningTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final RegistryClient client = RegistryClient.builder().build();
    private final Repository repo = new Repository(Stack.registry(), Stack.uniqueRepository("ledger-signed"));
    private final LedgerLocation prod = new LedgerLocation(repo, "prod");
    private final SigningKey key = SigningKey.generate();
    /** What a CI that writes the ledger holds: the private key, and its public half to verify. */
    private final LedgerKey writerKey = new LedgerKey("ledger-prod", List.of(key.publicKey()), () -> key);
    /** What a machine that only reads holds: the public key. */
    private final LedgerKey readerKey = LedgerKey.verifyingWith("ledger-prod", List.of(key.publicKey()));

    private Ledger signing() {
        return ledger(writerKey);
    }

    private Ledger verifying() {
        return ledger(readerKey);
    }

    /** No key configured: the weaker mode, where signatures are not checked. */
    private Ledger unsigned() {
        return ledger(null);
    }

    private Ledger ledger(LedgerKey k) {
        return new Ledger(client, Clock.systemUTC(), Duration.ofMillis(50), 5, LedgerAnchors.NONE,
                where -> Optional.ofNullable(k));
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

    private byte[] layer(Repository in, Digest version) {
        ImageManifest m = (ImageManifest) client.getManifest(in.digest(version));
        return client.readBlob(in, m.layers().get(0));
    }

    /** Pushes a ledger layer under the ledger tag of {@code in} with plain registry calls, as an attacker can. */
    private Digest push(Repository in, String tag, byte[] layer) {
        ImageManifest m = ImageManifest.builder(MediaTypes.OCI_MANIFEST)
                .artifactType(LedgerFormat.MEDIA_TYPE)
                .config(client.pushBlob(in, "{}".getBytes(StandardCharsets.UTF_8)).withMediaType(MediaTypes.OCI_EMPTY))
                .layer(client.pushBlob(in, layer).withMediaType(LedgerFormat.MEDIA_TYPE))
                .build();
        client.putManifest(in.tag(tag), m);
        return m.digest();
    }

    /** Pushes a history (the format's own bytes: every hash and link consistent) as the new head. */
    private LedgerHistory pushHistory(LedgerHistory history) {
        byte[] bytes = LedgerFormat.write(history);
        return LedgerFormat.read(bytes, push(repo, prod.ledgerTag(), bytes));
    }

    private static EngineException integrity(Runnable r) {
        EngineException e = assertThrows(EngineException.class, r::run);
        assertEquals(e.getMessage(), EngineException.Kind.INTEGRITY, e.kind());
        return e;
    }

    @Test
    public void everyVersionASigningWriterWritesIsSignedAndReadsBackIntactWithThePublicKeyAlone() throws Exception {
        Ledger writer = signing();
        deploy(writer, prod, image(1), "alice");
        Digest first = head();
        deploy(writer, prod, image(2), "bob");

        for (Digest version : List.of(first, head())) {
            JsonNode stored = JSON.readTree(layer(repo, version));
            assertEquals(LedgerFormat.SCHEMA_VERSION_SIGNED, stored.get("schemaVersion").asInt());
            assertEquals(key.publicKey().keyId(), stored.get("signature").get("keyId").asText());
        }
        LedgerVerification v = verifying().verify(prod);
        assertTrue(v.describe(), v.intact());
        assertEquals("ledger-prod", v.signedWith());
        assertTrue(v.describe(), v.describe().endsWith("its head signed with the ledger key 'ledger-prod'."));
        assertEquals(2, verifying().read(prod).entries().size());
        // A reader without the key still reads it (and checks its chain), without checking its signature.
        assertTrue(unsigned().verify(prod).intact());
        assertNull(unsigned().verify(prod).signedWith());
    }

    @Test
    public void aHistoryRewrittenConsistentlyThroughEveryVersionIsDetectedWithSigningAndNotWithoutIt()
            throws Exception {
        Ledger writer = signing();
        deploy(writer, prod, image(1), "alice");
        deploy(writer, prod, image(2), "bob");
        deploy(writer, prod, image(3), "carol");
        Digest genuine = head();

        // The attacker has push rights and no key. They write a new history from a new first version, through the
        // format's own code, so every hash, link and previous version is consistent, and say that an unsigned digest
        // was deployed last; the environment tag is moved to match.
        Digest unsignedDigest = image(9);
        LedgerHistory forged = LedgerHistory.empty("prod");
        Instant t = Instant.now();
        for (Event e : List.of(Event.promotion(image(1), Outcome.DEPLOYED, "alice"),
                Event.promotion(image(2), Outcome.DEPLOYED, "bob"),
                Event.promotion(unsignedDigest, Outcome.DEPLOYED, "carol"))) {
            forged = pushHistory(LedgerFormat.append(forged, e, t));
            t = t.plusSeconds(60);
        }
        client.putManifest(repo.tag(prod.environmentTag()), client.getManifest(repo.digest(unsignedDigest)));

        // Without an anchor and without signing, nothing tells: every version is intact and linked.
        LedgerVerification blind = unsigned().verify(prod);
        assertTrue("without anchors or signatures a consistent rewrite cannot be told: " + blind.describe(),
                blind.intact());
        assertEquals(unsignedDigest, unsigned().read(prod).live().orElseThrow());

        // With the ledger key, the head is not signed: broken, and nothing is written over it.
        LedgerVerification v = verifying().verify(prod);
        assertFalse(v.intact());
        assertMentions(v.problems(), "version " + forged.version() + " is not signed, but the ledger of prod is"
                + " signed with the key 'ledger-prod'");
        assertNull("no version of the forged chain can be recommended", v.lastIntactVersion());
        integrity(() -> verifying().read(prod));
        integrity(() -> signing().record(prod, Event.promotion(image(4), Outcome.FAILED, "dave"),
                ProgressListener.NONE));
        assertEquals("nothing is written over it", forged.version(), head());

        // Copying the genuine head's signature onto the forged head does not help: it covers other content.
        ObjectNode copied = (ObjectNode) JSON.readTree(LedgerFormat.write(forged));
        copied.put("schemaVersion", LedgerFormat.SCHEMA_VERSION_SIGNED);
        copied.set("signature", JSON.readTree(layer(repo, genuine)).get("signature"));
        Digest withCopiedSignature = push(repo, prod.ledgerTag(), JSON.writeValueAsBytes(copied));
        assertMentions(verifying().verify(prod).problems(), "the signature of version " + withCopiedSignature
                + " by the key " + key.publicKey().shortId() + " does not verify");
    }

    @Test
    public void aConsistentEntryAppendedWithoutTheKeyIsDetectedAndTheSignedVersionUnderItRecommended() {
        Ledger writer = signing();
        deploy(writer, prod, image(1), "alice");
        Digest signedHead = head();
        // "Deployed in staging" is what the next environment's fromPrevious gate reads: the attacker appends it.
        LedgerHistory appended = pushHistory(LedgerFormat.append(writer.read(prod),
                Event.promotion(image(9), Outcome.DEPLOYED, "mallory"), Instant.now()));
        client.putManifest(repo.tag(prod.environmentTag()), client.getManifest(repo.digest(image(9))));

        assertTrue("without the key, an appended entry looks like any other", unsigned().verify(prod).intact());
        LedgerVerification v = verifying().verify(prod);
        assertMentions(v.problems(), "version " + appended.version() + " is not signed");
        assertEquals(signedHead, v.lastIntactVersion());
        assertTrue(v.describe(), v.describe().contains("point the tag back at the last intact version " + signedHead));
    }

    @Test
    public void aConsistentDeploymentRecordPushedWithoutTheKeyIsDetected() {
        Ledger writer = signing();
        deploy(writer, prod, image(1), "alice");
        LedgerHistory current = writer.read(prod);
        pushHistory(LedgerFormat.withDeployment(current, new DeploymentRecord("forged",
                "{\"id\":\"forged\",\"phase\":\"RUNNING\",\"owner\":\"mallory\"}", Instant.now())));
        assertTrue(unsigned().verify(prod).intact());
        assertMentions(verifying().verify(prod).problems(), "is not signed");
    }

    @Test
    public void aSignedVersionCopiedIntoAnotherApplicationsLedgerSignedWithTheSameKeyDoesNotVerify() {
        deploy(signing(), prod, image(1), "alice");
        Repository other = new Repository(Stack.registry(), Stack.uniqueRepository("ledger-signed-other"));
        LedgerLocation otherProd = new LedgerLocation(other, "prod");
        Digest copied = push(other, otherProd.ledgerTag(), layer(repo, head()));

        LedgerVerification v = verifying().verify(otherProd);
        assertMentions(v.problems(), "the signature of version " + copied + " by the key "
                + key.publicKey().shortId() + " does not verify over its content in " + other.path());
    }

    @Test
    public void aVersionSignedByAnotherKeyIsRefusedNamingTheKey() {
        SigningKey stranger = SigningKey.generate();
        deploy(ledger(new LedgerKey("ledger-prod", List.of(stranger.publicKey()), () -> stranger)), prod, image(1),
                "mallory");
        assertMentions(verifying().verify(prod).problems(), "is signed by the key " + stranger.publicKey().shortId()
                + ", which is not a trusted public key of 'ledger-prod'");
    }

    @Test
    public void aWriterWithoutThePrivateKeyIsRefusedBeforeItWritesAnything() {
        deploy(signing(), prod, image(1), "alice");
        Digest before = head();
        EngineException e = assertThrows(EngineException.class, () -> verifying().record(prod,
                Event.promotion(image(2), Outcome.FAILED, "bob"), ProgressListener.NONE));
        assertEquals(e.getMessage(), EngineException.Kind.BAD_INPUT, e.kind());
        assertTrue(e.getMessage(), e.getMessage().contains("is signed with the key 'ledger-prod'"
                + " (environments[].ledgerKey), and this process has no private key for it"));
        assertThrows(EngineException.class, () -> verifying().requireWritable(prod));
        assertEquals(before, head());
    }

    @Test
    public void aLedgerWrittenBeforeSigningIsRefusedUntilItsHeadIsSignedOnceAndUnsignedWritesAfterThatAreCaught() {
        Ledger old = unsigned();
        deploy(old, prod, image(1), "alice");
        deploy(old, prod, image(2), "bob");

        LedgerVerification refused = verifying().verify(prod);
        assertMentions(refused.problems(), "`immutable sign-ledger prod`");
        EngineException noKey = assertThrows(EngineException.class,
                () -> verifying().signHead(prod, false, ProgressListener.NONE));
        assertEquals(EngineException.Kind.BAD_INPUT, noKey.kind());

        List<String> log = new ArrayList<>();
        LedgerHistory signed = signing().signHead(prod, false, log::add).orElseThrow();
        assertEquals(2, signed.entries().size());
        assertEquals(old.read(prod).entries(), signed.entries());
        assertTrue(verifying().verify(prod).intact());
        assertTrue("signing twice does nothing", signing().signHead(prod, false, log::add).isEmpty());
        Digest signedHead = head();

        // A tool not configured with the key writes on: its version is unsigned, and refused.
        old.record(prod, Event.promotion(image(3), Outcome.FAILED, "carol"), ProgressListener.NONE);
        assertMentions(verifying().verify(prod).problems(), "is not signed");
        assertEquals(signedHead, verifying().verify(prod).lastIntactVersion());
        // Signing its head now would bless what was written without the key: refused unless asked explicitly.
        EngineException over = integrity(() -> signing().signHead(prod, false, log::add));
        assertTrue(over.getMessage(), over.getMessage().contains("version " + signedHead + " is signed, with 2"
                + " entries, and the versions after it up to the head " + head() + " are not (entries #3 to #3"));
        assertTrue(signing().signHead(prod, true, log::add).isPresent());
        assertEquals(3, verifying().read(prod).entries().size());
    }

    @Test
    public void signingAloneDoesNotTellAnOlderSignedVersionPutBackWhenTheEnvironmentTagAgrees() {
        Ledger writer = signing();
        deploy(writer, prod, image(1), "alice");
        Digest older = head();
        writer.record(prod, Event.promotion(image(2), Outcome.FAILED, "bob"), ProgressListener.NONE);
        client.putManifest(repo.tag(prod.ledgerTag()), client.getManifest(repo.digest(older)));
        // Genuine and signed, but old: only an anchor (a head verified before, here the writer's own) tells.
        assertTrue(verifying().verify(prod).intact());
        assertMentions(writer.verify(prod).problems(), "the ledger had 2 entries");
    }

    @Test
    public void aSignedLedgerGoesFromSchema3To4WithItsFirstObservationAndEveryVersionStillVerifies() throws Exception {
        Ledger writer = signing();
        Digest d1 = image(1);
        deploy(writer, prod, d1, "alice");
        Digest signed3 = head();
        writer.observe(prod, Event.observed(LedgerObservationTest.drift(d1), "carol"), Observed.RECONFIRM_AFTER, null);
        Digest signed4 = head();
        Digest d2 = image(2);
        deploy(writer, prod, d2, "bob");

        assertEquals(3, JSON.readTree(layer(repo, signed3)).get("schemaVersion").asInt());
        assertEquals(4, JSON.readTree(layer(repo, signed4)).get("schemaVersion").asInt());
        assertEquals(4, JSON.readTree(layer(repo, head())).get("schemaVersion").asInt());
        LedgerVerification v = verifying().verify(prod);
        assertTrue(v.describe(), v.intact());
        assertEquals("ledger-prod", v.signedWith());
        assertEquals(3, verifying().read(prod).entries().size());
        assertTrue("read without the key too", unsigned().verify(prod).intact());

        // A reader without the private key checks drift: an unchanged finding needs no write, a changed one is
        // refused before anything is written, saying why.
        writer.observe(prod, Event.observed(LedgerObservationTest.drift(d2), "carol"), Observed.RECONFIRM_AFTER, null);
        Digest before = head();
        assertEquals(Observed.Result.UNCHANGED, verifying().observe(prod, Event.observed(
                LedgerObservationTest.drift(d2), "dave"), Observed.RECONFIRM_AFTER, null).result());
        EngineException e = assertThrows(EngineException.class, () -> verifying().observe(prod, Event.observed(
                LedgerObservationTest.drift(d2, "prod-blue-1"), "dave"), Observed.RECONFIRM_AFTER, null));
        assertEquals(EngineException.Kind.BAD_INPUT, e.kind());
        assertTrue(e.getMessage(), e.getMessage().contains("no private key for it"));
        assertEquals(before, head());
    }
}
