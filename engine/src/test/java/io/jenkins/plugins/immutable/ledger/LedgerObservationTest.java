package io.jenkins.plugins.immutable.ledger;

import static io.jenkins.plugins.immutable.ledger.LedgerChainTest.assertMentions;
import static io.jenkins.plugins.immutable.ledger.LedgerFreezeTest.edited;
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
import org.junit.Test;

/**
 * Observation entries (re-scans, drift checks) in the ledger's format: chained and hashed like every entry, changing
 * nothing live nor anything a gate or a rollback reads, and written as schema version 4 only when a ledger holds them.
 */
public class LedgerObservationTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Digest D1 = Digest.sha256("one".getBytes(StandardCharsets.UTF_8));
    private static final Digest D2 = Digest.sha256("two".getBytes(StandardCharsets.UTF_8));
    private static final Digest V = Digest.sha256("a ledger version".getBytes(StandardCharsets.UTF_8));
    private static final Instant T = Instant.parse("2026-11-02T10:15:30.123Z");

    static RescanRecord rescan(Digest live, int high) {
        return new RescanRecord(high > 0 ? RescanRecord.Status.AT_RISK : RescanRecord.Status.PASSING, live,
                List.of(new RescanRecord.ScannedDigest(live, List.of("live"), high > 0 ? "failed" : "passed",
                        new RescanRecord.Counts(0, high, 2, 0, 0), T, high > 0 ? "1 finding at or above HIGH" : null)),
                new RescanRecord.Database("sha256:osv", 412, "2026-11-01T08:00:00Z"));
    }

    static DriftRecord drift(Digest expected, String... subjects) {
        return new DriftRecord(expected, java.util.Arrays.stream(subjects)
                .map(s -> new DriftRecord.Difference("WRONG_DIGEST", s, "runs sha256:0000; the ledger says "
                        + expected.shortForm())).toList());
    }

    /** D1 then D2 deployed, a re-scan, a drift check that found a difference, a failed promotion. */
    private static LedgerHistory history() {
        LedgerHistory h = LedgerHistory.empty("prod");
        h = LedgerFormat.append(h, Event.promotion(D1, Outcome.DEPLOYED, "alice"), T);
        h = LedgerFormat.append(h, Event.promotion(D2, Outcome.DEPLOYED, "alice"), T.plusSeconds(60));
        h = LedgerFormat.append(h, Event.observed(rescan(D2, 1), "rescan-job").withRun("run-7"), T.plusSeconds(120));
        h = LedgerFormat.append(h, Event.observed(drift(D2, "prod-blue-1"), "carol"), T.plusSeconds(180));
        h = LedgerFormat.append(h, Event.promotion(D1, Outcome.FAILED, "bob"), T.plusSeconds(240));
        return h;
    }

    @Test
    public void observationsAreChainedEntriesThatReadBackAsWrittenAndChangeNothingLive() throws Exception {
        byte[] bytes = LedgerFormat.write(history());
        assertEquals(List.of(), LedgerChain.problems(bytes, V));
        LedgerHistory read = LedgerFormat.read(bytes, V);
        assertArrayEquals(bytes, LedgerFormat.write(read));
        assertEquals(history().entries(), read.entries());

        LedgerEntry rescan = read.entries().get(2);
        assertEquals(Action.RESCAN, rescan.action());
        assertEquals(Outcome.RECORDED, rescan.outcome());
        assertNull(rescan.digest());
        assertEquals(rescan(D2, 1), rescan.observation());
        assertEquals("run-7", rescan.run());
        assertEquals("an observation changes nothing live", D2, read.entries().get(3).previousDigest());
        assertEquals(D2, read.entries().get(4).previousDigest());
        assertEquals("#3 rescan by rescan-job at 2026-11-02T10:17:30.123Z: at-risk: " + D2.shortForm()
                + " (live) failed, 1 high, 2 medium; database of 2026-11-01T08:00:00Z", rescan.summary());
        assertEquals("drifted from " + D2.shortForm() + ": 1 difference (prod-blue-1 wrong digest)",
                read.entries().get(3).observation().summary());

        JsonNode stored = JSON.readTree(bytes).get("entries").get(2);
        assertFalse("no digest member is written for an observation", stored.has("digest"));
        assertEquals(1, stored.get("rescan").get("digests").get(0).get("counts").get("high").asInt());
        assertEquals("2026-11-01T08:00:00Z", stored.get("rescan").get("database").get("newestModified").asText());
        assertEquals("prod-blue-1", JSON.readTree(bytes).get("entries").get(3).get("drift").get("differences").get(0)
                .get("subject").asText());
    }

    @Test
    public void observationsChangeNoGateStatusNorRollbackCandidate() {
        LedgerHistory h = history();
        LedgerHistory decisions = LedgerHistory.empty("prod");
        for (LedgerEntry e : h.entries()) {
            if (!e.action().isObservation()) {
                decisions = LedgerFormat.append(decisions, e.event(), e.time());
            }
        }
        assertEquals(decisions.live(), h.live());
        assertEquals(D1, h.previousKnownGood().orElseThrow().digest());
        assertEquals(decisions.previousKnownGood().orElseThrow().digest(), h.previousKnownGood().orElseThrow().digest());
        assertTrue(h.activeFreeze().isEmpty());
        assertTrue(h.deployed(D2));
        assertEquals(D2, h.liveEntry().orElseThrow().digest());
        assertEquals(Action.DRIFT, h.lastObservation(Action.DRIFT).orElseThrow().action());
        assertEquals(3, h.lastObservation(Action.RESCAN).orElseThrow().sequence());
    }

    @Test
    public void aLedgerWithObservationsIsSchemaVersion4AndOneWithoutKeepsItsVersion() throws Exception {
        assertEquals(4, JSON.readTree(LedgerFormat.write(history())).get("schemaVersion").asInt());
        LedgerHistory plain = LedgerFormat.append(LedgerHistory.empty("prod"),
                Event.promotion(D1, Outcome.DEPLOYED, "alice"), T);
        assertEquals(1, JSON.readTree(LedgerFormat.write(plain)).get("schemaVersion").asInt());
        LedgerHistory frozen = LedgerFormat.append(plain, Event.freeze("bob", "incident"), T.plusSeconds(1));
        assertEquals(2, JSON.readTree(LedgerFormat.write(frozen)).get("schemaVersion").asInt());
    }

    @Test
    public void aNewerSchemaIsRefusedWithAnUpgradeAndA4IsRead() throws Exception {
        ObjectNode root = (ObjectNode) JSON.readTree(LedgerFormat.write(history()));
        root.put("schemaVersion", 5);
        EngineException e = assertThrows(EngineException.class,
                () -> LedgerFormat.read(JSON.writeValueAsBytes(root), V));
        assertEquals(EngineException.Kind.INTEGRITY, e.kind());
        assertTrue(e.getMessage(), e.getMessage().contains("has schemaVersion 5; this version reads 1 to 4. Upgrade"
                + " the plugin or CLI if a newer one wrote it"));
        root.put("schemaVersion", 4);
        assertEquals(5, LedgerFormat.read(JSON.writeValueAsBytes(root), V).entries().size());
    }

    @Test
    public void changingWhatACheckFoundIsReported() throws Exception {
        byte[] bytes = LedgerFormat.write(history());
        byte[] counts = edited(bytes, e -> ((ObjectNode) e.get(2).get("rescan").get("digests").get(0).get("counts"))
                .put("high", 0));
        assertMentions(LedgerChain.problems(counts, V), "entry #3 (rescan at 2026-11-02T10:17:30.123Z) was changed"
                + " after it was written");
        byte[] cleaned = edited(bytes, e -> ((ArrayNode) e.get(3).get("drift").get("differences")).removeAll());
        assertMentions(LedgerChain.problems(cleaned, V), "entry #4 (drift at 2026-11-02T10:18:30.123Z) was changed");
    }

    @Test
    public void anObservationWithoutWhatItFoundOrWithADigestIsMalformed() throws Exception {
        byte[] bytes = LedgerFormat.write(history());
        byte[] bare = edited(bytes, e -> ((ObjectNode) e.get(3)).remove("drift"));
        EngineException e = assertThrows(EngineException.class, () -> LedgerFormat.read(bare, V));
        assertTrue(e.getMessage(), e.getMessage().contains("entry #4 is invalid: a drift entry has no drift object"));
        byte[] digest = edited(bytes, x -> ((ObjectNode) x.get(2)).put("digest", D1.toString()));
        assertTrue(assertThrows(EngineException.class, () -> LedgerFormat.read(digest, V)).getMessage()
                .contains("entry #3 is invalid: a rescan names no digest"));
        assertThrows(IllegalArgumentException.class, () -> new Event(Action.DRIFT, null, Outcome.RECORDED, "carol",
                null, null, null, List.of(), null, false, null, rescan(D2, 0)));
        assertThrows(IllegalArgumentException.class, () -> new Event(Action.PROMOTE, D1, Outcome.DEPLOYED, "carol",
                null, null, null, List.of(), null, false, null, drift(D1)));
    }

    @Test
    public void theSameFindingsAreTheSameWhateverTheirDatesAndWording() {
        assertTrue(rescan(D2, 1).sameFindings(rescan(D2, 1)));
        assertFalse("a count changed", rescan(D2, 1).sameFindings(rescan(D2, 2)));
        RescanRecord newerDatabase = new RescanRecord(RescanRecord.Status.AT_RISK, D2, rescan(D2, 1).digests(),
                new RescanRecord.Database("sha256:newer", 413, "2026-11-02T08:00:00Z"));
        assertTrue("the database alone changed", rescan(D2, 1).sameFindings(newerDatabase));
        assertTrue(drift(D2, "a", "b").sameFindings(new DriftRecord(D2, List.of(
                new DriftRecord.Difference("WRONG_DIGEST", "b", "worded otherwise"),
                new DriftRecord.Difference("WRONG_DIGEST", "a", null)))));
        assertFalse(drift(D2, "a").sameFindings(drift(D2, "a", "b")));
        assertFalse(drift(D2).sameFindings(drift(D1)));
        assertFalse(drift(D2).sameFindings(rescan(D2, 0)));
    }
}
