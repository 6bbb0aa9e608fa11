package io.jenkins.plugins.immutable.ledger;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jenkins.plugins.immutable.image.Digest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.Test;

public class LedgerChainTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Digest D1 = Digest.sha256("one".getBytes(StandardCharsets.UTF_8));
    private static final Digest D2 = Digest.sha256("two".getBytes(StandardCharsets.UTF_8));
    private static final Digest D3 = Digest.sha256("three".getBytes(StandardCharsets.UTF_8));
    private static final Digest V = Digest.sha256("a ledger version".getBytes(StandardCharsets.UTF_8));
    private static final Instant T = Instant.parse("2026-11-02T10:15:30.123Z");

    private static byte[] threeEntries() {
        LedgerHistory h = LedgerHistory.empty("prod");
        h = LedgerFormat.append(h, Event.promotion(D1, Outcome.DEPLOYED, "alice").withRun("run-1"), T);
        h = LedgerFormat.append(h, Event.promotion(D2, Outcome.DEPLOYED, "bob").withStrategy("blue-green")
                .withGates(List.of("signed by release", "scan passed")), T.plusSeconds(60));
        h = LedgerFormat.append(h, Event.promotion(D3, Outcome.FAILED, "carol").withReason("health check failed"),
                T.plusSeconds(120));
        return LedgerFormat.write(h);
    }

    private static byte[] edited(byte[] ledger, java.util.function.Consumer<ArrayNode> edit) throws Exception {
        ObjectNode root = (ObjectNode) JSON.readTree(ledger);
        edit.accept((ArrayNode) root.get("entries"));
        return JSON.writeValueAsBytes(root);
    }

    static void assertMentions(List<String> problems, String expected) {
        assertTrue("expected a problem mentioning: " + expected + "\nbut got: " + problems,
                problems.stream().anyMatch(p -> p.contains(expected)));
    }

    @Test
    public void aLedgerWrittenByTheFormatIsIntactAndReadsBackEqual() {
        byte[] bytes = threeEntries();
        assertEquals(List.of(), LedgerChain.problems(bytes, V));
        LedgerHistory read = LedgerFormat.read(bytes, V);
        assertEquals(3, read.entries().size());
        assertEquals(D2, read.live().orElseThrow());
        assertEquals(D2, read.entries().get(2).previousDigest());
        assertEquals(List.of("signed by release", "scan passed"), read.entries().get(1).event().gates());
        assertEquals(read.entries().get(0).hash(), read.entries().get(1).previousHash());
        assertArrayEquals(bytes, LedgerFormat.write(read));
    }

    @Test
    public void changingTheDigestOfAnEntryIsReported() throws Exception {
        byte[] bytes = edited(threeEntries(), e -> ((ObjectNode) e.get(1)).put("digest", D3.toString()));
        List<String> problems = LedgerChain.problems(bytes, V);
        assertMentions(problems, ("entry #2 (promote " + D3.shortForm()
                + " deployed at 2026-11-02T10:16:30.123Z) was changed after it was written"));
    }

    @Test
    public void addingAMemberToAnEntryIsReported() throws Exception {
        byte[] bytes = edited(threeEntries(), e -> ((ObjectNode) e.get(0)).put("approvedBy", "mallory"));
        assertMentions(LedgerChain.problems(bytes, V), ("entry #1 "));
    }

    @Test
    public void removingAnEntryFromTheMiddleIsReported() throws Exception {
        byte[] bytes = edited(threeEntries(), e -> e.remove(1));
        List<String> problems = LedgerChain.problems(bytes, V);
        assertMentions(problems, ("entry #1 is followed by entry #3"));
        assertMentions(problems, ("entry #3 (promote " + D3.shortForm()
                + " failed at 2026-11-02T10:17:30.123Z) does not follow the entry before it"));
    }

    @Test
    public void removingTheFirstEntryIsReported() throws Exception {
        byte[] bytes = edited(threeEntries(), e -> e.remove(0));
        assertMentions(LedgerChain.problems(bytes, V), ("the ledger starts at entry #2"));
    }

    @Test
    public void rewritingAnEntryAndItsHashIsReportedByTheNextEntry() throws Exception {
        byte[] bytes = edited(threeEntries(), e -> {
            ObjectNode second = (ObjectNode) e.get(1);
            second.put("actor", "mallory");
            second.put("hash", LedgerFormat.hash(second).toString());
        });
        List<String> problems = LedgerChain.problems(bytes, V);
        assertEquals(problems.toString(), 1, problems.size());
        assertMentions(problems, ("entry #3 (promote " + D3.shortForm()
                + " failed at 2026-11-02T10:17:30.123Z) does not follow the entry before it"));
    }

    @Test
    public void aHistoryRebuiltWithConsistentHashesButAnotherLiveDigestIsReported() throws Exception {
        // Swapping which digest was deployed first and recomputing every hash keeps the hash links, but not the
        // record of what was live before each entry.
        byte[] bytes = edited(threeEntries(), e -> {
            ((ObjectNode) e.get(0)).put("digest", D2.toString());
            ((ObjectNode) e.get(1)).put("digest", D1.toString());
            Digest previous = null;
            for (int i = 0; i < e.size(); i++) {
                ObjectNode n = (ObjectNode) e.get(i);
                if (previous != null) {
                    n.put("previousHash", previous.toString());
                }
                n.put("hash", LedgerFormat.hash(n).toString());
                previous = Digest.parse(n.get("hash").asText());
            }
        });
        assertMentions(LedgerChain.problems(bytes, V), ("entry #2 (promote " + D1.shortForm()
                + " deployed at 2026-11-02T10:16:30.123Z) says " + D1 + " was live before it, but the entries before"
                + " it leave " + D2 + " live"));
    }

    @Test
    public void aLedgerThatIsNotJsonIsReportedNotThrown() {
        List<String> problems = LedgerChain.problems("{\"schemaVersion\":1,".getBytes(StandardCharsets.UTF_8), V);
        assertEquals(1, problems.size());
        assertMentions(problems, ("not valid JSON"));
    }

    @Test
    public void previousKnownGoodSkipsTheLiveDigestFailuresAndWhatWasRolledBackFrom() {
        LedgerHistory h = LedgerHistory.empty("prod");
        h = LedgerFormat.append(h, Event.promotion(D1, Outcome.DEPLOYED, "a"), T);
        h = LedgerFormat.append(h, Event.promotion(D2, Outcome.DEPLOYED, "a"), T);
        h = LedgerFormat.append(h, Event.promotion(D3, Outcome.DEPLOYED, "a"), T);
        assertEquals(D2, h.previousKnownGood().orElseThrow().digest());
        h = LedgerFormat.append(h, Event.rollback(D2, Outcome.ROLLED_BACK, "a"), T);
        assertEquals(D2, h.live().orElseThrow());
        assertEquals("D3 was rolled back from, D2 is live: D1 is next", D1,
                h.previousKnownGood().orElseThrow().digest());
        Digest d4 = Digest.sha256("four".getBytes(StandardCharsets.UTF_8));
        h = LedgerFormat.append(h, Event.promotion(d4, Outcome.FAILED, "a"), T);
        assertEquals(D2, h.live().orElseThrow());
        assertEquals(D1, h.previousKnownGood().orElseThrow().digest());
        assertFalse(h.deployed(d4));
        assertFalse(LedgerHistory.empty("dev").previousKnownGood().isPresent());
    }
}
