package io.jenkins.plugins.immutable.ledger;

import static io.jenkins.plugins.immutable.ledger.LedgerChainTest.assertMentions;
import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.image.Digest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;
import org.junit.Test;

/** Freeze and unfreeze entries: chained and hashed like the others, and old ledgers read as before. */
public class LedgerFreezeTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Digest D1 = Digest.sha256("one".getBytes(StandardCharsets.UTF_8));
    private static final Digest D2 = Digest.sha256("two".getBytes(StandardCharsets.UTF_8));
    private static final Digest V = Digest.sha256("a ledger version".getBytes(StandardCharsets.UTF_8));
    private static final Instant T = Instant.parse("2026-11-02T10:15:30.123Z");

    /** D1 then D2 deployed; frozen by bob; rolled back to D1 while frozen; unfrozen by carol if asked. */
    private static LedgerHistory history(boolean unfreeze) {
        LedgerHistory h = LedgerHistory.empty("prod");
        h = LedgerFormat.append(h, Event.promotion(D1, Outcome.DEPLOYED, "alice"), T);
        h = LedgerFormat.append(h, Event.promotion(D2, Outcome.DEPLOYED, "alice"), T.plusSeconds(60));
        h = LedgerFormat.append(h, Event.freeze("bob", "incident 4711").withRun("run-9"), T.plusSeconds(120));
        h = LedgerFormat.append(h, Event.rollback(D1, Outcome.ROLLED_BACK, "bob"), T.plusSeconds(180));
        if (unfreeze) {
            h = LedgerFormat.append(h, Event.unfreeze("carol", "incident 4711 resolved"), T.plusSeconds(240));
        }
        return h;
    }

    /** The ledger's bytes with its entries edited by hand. */
    static byte[] edited(byte[] ledger, Consumer<ArrayNode> edit) throws Exception {
        ObjectNode root = (ObjectNode) JSON.readTree(ledger);
        edit.accept((ArrayNode) root.get("entries"));
        return JSON.writeValueAsBytes(root);
    }

    @Test
    public void freezesAreChainedEntriesWithoutADigestAndTheLedgerSaysWhichIsInForce() throws Exception {
        byte[] bytes = LedgerFormat.write(history(false));
        assertEquals(List.of(), LedgerChain.problems(bytes, V));
        LedgerHistory read = LedgerFormat.read(bytes, V);
        assertArrayEquals(bytes, LedgerFormat.write(read));
        LedgerEntry freeze = read.entries().get(2);
        assertEquals(Action.FREEZE, freeze.action());
        assertEquals(Outcome.RECORDED, freeze.outcome());
        assertNull(freeze.digest());
        assertEquals("incident 4711", freeze.reason());
        assertEquals("run-9", freeze.run());
        assertEquals("the rollback after the freeze follows its hash", freeze.hash(),
                read.entries().get(3).previousHash());
        assertEquals("a freeze changes nothing live", D2, read.entries().get(3).previousDigest());
        assertEquals(freeze, read.activeFreeze().orElseThrow());
        assertEquals(D1, read.live().orElseThrow());
        assertEquals("#3 freeze by bob at 2026-11-02T10:17:30.123Z: incident 4711", freeze.summary());
        JsonNode stored = JSON.readTree(bytes).get("entries").get(2);
        assertFalse("no digest member is written for a freeze", stored.has("digest"));
        assertEquals("recorded", stored.get("outcome").asText());

        LedgerHistory unfrozen = LedgerFormat.read(LedgerFormat.write(history(true)), V);
        assertTrue(unfrozen.activeFreeze().isEmpty());
        assertEquals(Action.UNFREEZE, unfrozen.last().orElseThrow().action());
    }

    @Test
    public void aLedgerWithFreezesIsSchemaVersion2AndOneWithoutStaysVersion1() throws Exception {
        assertEquals(2, JSON.readTree(LedgerFormat.write(history(false))).get("schemaVersion").asInt());
        LedgerHistory plain = LedgerHistory.empty("prod");
        plain = LedgerFormat.append(plain, Event.promotion(D1, Outcome.DEPLOYED, "alice"), T);
        assertEquals("a reader without freezes keeps reading ledgers that have none", 1,
                JSON.readTree(LedgerFormat.write(plain)).get("schemaVersion").asInt());
    }

    @Test
    public void aLedgerAsVersion1WroteItStillReadsAndVerifies() {
        // Written by the code before freezes existed (schema 1, every entry with a digest): byte for byte.
        LedgerHistory h = LedgerHistory.empty("prod");
        h = LedgerFormat.append(h, Event.promotion(D1, Outcome.DEPLOYED, "alice"), T);
        String old = """
                {
                  "schemaVersion" : 1,
                  "environment" : "prod",
                  "entries" : [ {
                    "sequence" : 1,
                    "action" : "promote",
                    "digest" : "%s",
                    "outcome" : "deployed",
                    "time" : "2026-11-02T10:15:30.123Z",
                    "actor" : "alice",
                    "hash" : "%s"
                  } ]
                }""".formatted(D1, h.entries().get(0).hash());
        byte[] bytes = old.getBytes(StandardCharsets.UTF_8);
        assertEquals(List.of(), LedgerChain.problems(bytes, V));
        assertEquals(D1, LedgerFormat.read(bytes, V).live().orElseThrow());
        assertArrayEquals(bytes, LedgerFormat.write(LedgerFormat.read(bytes, V)));
    }

    @Test
    public void changingAFreezesReasonOrTurningItIntoAnUnfreezeIsReported() throws Exception {
        byte[] bytes = LedgerFormat.write(history(false));
        byte[] reason = edited(bytes, e -> ((ObjectNode) e.get(2)).put("reason", "routine"));
        assertMentions(LedgerChain.problems(reason, V), "entry #3 (freeze at 2026-11-02T10:17:30.123Z) was changed"
                + " after it was written");
        byte[] kind = edited(bytes, e -> ((ObjectNode) e.get(2)).put("action", "unfreeze"));
        assertMentions(LedgerChain.problems(kind, V), "entry #3 (unfreeze at 2026-11-02T10:17:30.123Z) was changed");
        byte[] removed = edited(bytes, e -> e.remove(2));
        assertMentions(LedgerChain.problems(removed, V), "entry #2 is followed by entry #4");
    }

    @Test
    public void aFreezeWithADigestOrWithoutAReasonIsMalformed() throws Exception {
        byte[] bytes = LedgerFormat.write(history(false));
        byte[] digest = edited(bytes, e -> ((ObjectNode) e.get(2)).put("digest", D1.toString()));
        EngineException e = assertThrows(EngineException.class, () -> LedgerFormat.read(digest, V));
        assertEquals(EngineException.Kind.INTEGRITY, e.kind());
        assertTrue(e.getMessage(), e.getMessage().contains("entry #3 is invalid: a freeze names no digest"));
        byte[] noReason = edited(bytes, x -> ((ObjectNode) x.get(2)).remove("reason"));
        assertTrue(assertThrows(EngineException.class, () -> LedgerFormat.read(noReason, V)).getMessage()
                .contains("entry #3 is invalid: to freeze an environment, give a reason"));
        assertThrows(EngineException.class, () -> Event.freeze("bob", " "));
    }

    @Test
    public void freezesAreNeitherRollbackCandidatesNorDeployments() {
        LedgerHistory h = history(true);
        h = LedgerFormat.append(h, Event.promotion(D2, Outcome.DEPLOYED, "alice"), T.plusSeconds(300));
        assertEquals(D1, h.previousKnownGood().orElseThrow().digest());
        assertTrue(h.deployed(D2));
        assertTrue(h.wasLive(D1));
    }
}
