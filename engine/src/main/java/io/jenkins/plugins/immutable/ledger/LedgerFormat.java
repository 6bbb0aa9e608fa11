package io.jenkins.plugins.immutable.ledger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.image.Digest;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The ledger's JSON: how a {@link LedgerHistory} is written to and read from the ledger artifact's one layer, and how
 * an entry's hash is computed.
 *
 * <p>An entry's hash is the sha256 of its canonical JSON (object keys sorted, no whitespace, UTF-8) without the
 * {@code hash} member itself, computed over the entry exactly as it is stored, so that any change to a stored entry,
 * even one adding a member this version does not know, changes the hash. Each entry also holds the previous entry's
 * hash and the digest of the ledger version it was appended to: a chain that an edit, a removal or a reordering breaks.
 *
 * <pre>{@code
 * {"schemaVersion": 1, "environment": "prod", "previousVersion": "sha256:...",
 *  "entries": [{"sequence": 1, "action": "promote", "digest": "sha256:...", "outcome": "deployed",
 *               "time": "2026-11-02T10:15:30.123Z", "actor": "alice", "run": "https://ci/job/app/42/",
 *               "source": "staging", "strategy": "blue-green", "gates": ["signed: ..."], "deployment": "<id>",
 *               "previousDigest": "sha256:...", "previousLedger": "sha256:...", "previousHash": "sha256:...",
 *               "hash": "sha256:..."},
 *              {"sequence": 2, "action": "freeze", "outcome": "recorded", "time": "...", "actor": "bob",
 *               "reason": "incident 4711", ...},
 *              {"sequence": 3, "action": "drift", "outcome": "recorded", "time": "...", "actor": "carol",
 *               "drift": {"expected": "sha256:...", "differences": []}, ...}],
 *  "deployment": {"id": "...", "state": {...}, "updated": "..."}}
 * }</pre>
 */
public final class LedgerFormat {

    /** Artifact type of the ledger manifest and media type of its one layer. */
    public static final String MEDIA_TYPE = "application/vnd.jenkins.immutable-delivery.ledger.v1+json";

    /**
     * The schema version of a ledger whose entries are all promotions and rollbacks: what every version of this code
     * reads.
     */
    public static final int SCHEMA_VERSION = 1;

    /**
     * The schema version of a ledger that also records freezes ({@code "action": "freeze"} or {@code "unfreeze"},
     * without a digest, outcome {@code recorded}). Written only once a ledger holds such an entry, so that a reader
     * too old to know them says "upgrade" instead of calling the ledger damaged; ledgers without freezes keep version
     * 1 and stay readable by it.
     */
    public static final int SCHEMA_VERSION_FREEZES = 2;

    /**
     * The schema version of a signed ledger version (one with a top-level {@code signature}, see
     * {@link LedgerSignature}), whatever its entries: a reader too old to check signatures says "upgrade" rather
     * than writing unsigned versions over it. Unsigned versions keep 1 or 2.
     */
    public static final int SCHEMA_VERSION_SIGNED = 3;

    /**
     * The schema version of a ledger that holds observations ({@code "action": "rescan"} or {@code "drift"}, with what
     * the check found under a member of the same name), signed or not. Written only once a ledger holds such an entry:
     * a reader that knows nothing of them says "upgrade" instead of calling the ledger damaged or writing over it, and
     * ledgers without observations keep 1, 2 or 3 and stay readable by it.
     */
    public static final int SCHEMA_VERSION_OBSERVATIONS = 4;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper PRETTY = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private LedgerFormat() {
    }

    /** The history with {@code event} appended at {@code time}, its hash and links computed; not yet written. */
    public static LedgerHistory append(LedgerHistory history, Event event, Instant time) {
        List<LedgerEntry> entries = new ArrayList<>(history.entries());
        LedgerEntry last = history.last().orElse(null);
        Digest previousDigest = history.live().orElse(null);
        Instant at = time.truncatedTo(ChronoUnit.MILLIS);
        int sequence = last == null ? 1 : last.sequence() + 1;
        Digest previousHash = last == null ? null : last.hash();
        ObjectNode node = entryNode(sequence, event, previousDigest, at, history.version(), previousHash, null);
        entries.add(new LedgerEntry(sequence, event, previousDigest, at, history.version(), previousHash, hash(node)));
        return history.with(entries, history.deployment());
    }

    /**
     * The stored form of a deployment record: a new one is written after the history's last entry (whose hash becomes
     * its {@code after}) and hashed like an entry; one carried over by an append keeps what it was written with.
     */
    private static ObjectNode deploymentNode(DeploymentRecord d, LedgerHistory history) {
        ObjectNode n = NODES.objectNode();
        n.put("id", d.id());
        n.set("state", parseState(d.state()));
        n.put("updated", d.updated().toString());
        if (d.intent() != null) {
            n.set("intent", eventNode(d.intent()));
        }
        if (d.hash() == null) {
            history.last().ifPresent(e -> n.put("after", e.hash().toString()));
            n.put("hash", hash(n).toString());
        } else {
            putIfSet(n, "after", d.after());
            n.put("hash", d.hash().toString());
        }
        return n;
    }

    /** The history with the deployment record replaced (null removes it); not yet written. */
    public static LedgerHistory withDeployment(LedgerHistory history, DeploymentRecord deployment) {
        return history.with(history.entries(), deployment);
    }

    /** An observation as an entry stores it under the member named by its action, for tools that show entries. */
    public static JsonNode observationNode(Observation observation) {
        return ObservationFormat.node(observation);
    }

    /** The bytes of the ledger layer for {@code history}. */
    public static byte[] write(LedgerHistory history) {
        ObjectNode root = NODES.objectNode();
        root.put("schemaVersion", schemaVersion(history.entries()));
        root.put("environment", history.environment());
        putIfSet(root, "previousVersion", history.previousVersion());
        ArrayNode entries = root.putArray("entries");
        for (LedgerEntry e : history.entries()) {
            entries.add(entryNode(e.sequence(), e.event(), e.previousDigest(), e.time(), e.previousLedger(),
                    e.previousHash(), e.hash()));
        }
        DeploymentRecord d = history.deployment();
        if (d != null) {
            root.set("deployment", deploymentNode(d, history));
        }
        try {
            return PRETTY.writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree of plain JSON nodes always serialises", e);
        }
    }

    /** The lowest schema version that can hold {@code entries} (a signature raises it to 3 when lower). */
    static int schemaVersion(List<LedgerEntry> entries) {
        if (entries.stream().anyMatch(e -> e.action().isObservation())) {
            return SCHEMA_VERSION_OBSERVATIONS;
        }
        return entries.stream().allMatch(e -> e.action().changesDigest()) ? SCHEMA_VERSION : SCHEMA_VERSION_FREEZES;
    }

    /**
     * Reads a ledger layer. Only the structure is checked here (a ledger that is not what this format writes is an
     * {@link EngineException.Kind#INTEGRITY} error); the chain is checked by {@link LedgerChain}.
     *
     * @param version the digest of the manifest the bytes came from
     */
    public static LedgerHistory read(byte[] bytes, Digest version) {
        JsonNode root = parse(bytes);
        int schema = root.path("schemaVersion").asInt(-1);
        if (schema < SCHEMA_VERSION || schema > SCHEMA_VERSION_OBSERVATIONS) {
            throw EngineException.integrity("the ledger " + version + " has schemaVersion "
                    + root.path("schemaVersion") + "; this version reads " + SCHEMA_VERSION + " to "
                    + SCHEMA_VERSION_OBSERVATIONS + ". Upgrade the plugin or CLI if a newer one wrote it");
        }
        String environment = text(root, "environment", version, "the ledger");
        Digest previousVersion = digestOrNull(root, "previousVersion", version, "the ledger");
        List<LedgerEntry> entries = new ArrayList<>();
        JsonNode array = root.path("entries");
        if (!array.isArray()) {
            throw malformed(version, "it has no entries array");
        }
        for (JsonNode n : array) {
            entries.add(entry(n, version));
        }
        DeploymentRecord deployment = null;
        JsonNode d = root.get("deployment");
        if (d != null && !d.isNull()) {
            String where = "the ledger's deployment record";
            if (!d.path("state").isObject()) {
                throw malformed(version, "its deployment record has no state object");
            }
            Event intent = null;
            if (d.hasNonNull("intent")) {
                try {
                    intent = event(d.get("intent"), version, where + "'s intent");
                } catch (EngineException e) {
                    throw malformed(version, where + "'s intent is invalid: " + e.getMessage());
                }
            }
            deployment = new DeploymentRecord(text(d, "id", version, where), d.get("state").toString(),
                    instant(d, "updated", version, where), intent, digestOrNull(d, "after", version, where),
                    digestOrNull(d, "hash", version, where));
        }
        return new LedgerHistory(environment, entries, deployment, previousVersion, version);
    }

    /** The entries of a ledger layer as stored, for {@link LedgerChain} to check before anything is trusted. */
    static List<JsonNode> rawEntries(byte[] bytes, Digest version) {
        JsonNode entries = parse(bytes).path("entries");
        if (!entries.isArray()) {
            throw malformed(version, "it has no entries array");
        }
        List<JsonNode> result = new ArrayList<>();
        entries.forEach(result::add);
        return result;
    }

    /** sha256 of the canonical JSON of a stored entry, without its {@code hash} member. */
    static Digest hash(JsonNode entry) {
        ObjectNode copy = ((ObjectNode) entry).deepCopy();
        copy.remove("hash");
        return contentHash(copy);
    }

    /** sha256 of the canonical JSON of {@code node}, as it is. */
    static Digest contentHash(JsonNode node) {
        return Digest.sha256(canonicalBytes(node));
    }

    /** The canonical JSON of {@code node}: object keys sorted, no whitespace, UTF-8. */
    static byte[] canonicalBytes(JsonNode node) {
        try {
            return JSON.writeValueAsBytes(canonical(node));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree of plain JSON nodes always serialises", e);
        }
    }

    private static JsonNode canonical(JsonNode node) {
        if (node.isObject()) {
            Map<String, JsonNode> sorted = new TreeMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                sorted.put(field.getKey(), canonical(field.getValue()));
            }
            ObjectNode result = NODES.objectNode();
            sorted.forEach(result::set);
            return result;
        }
        if (node.isArray()) {
            ArrayNode result = NODES.arrayNode();
            node.forEach(element -> result.add(canonical(element)));
            return result;
        }
        return node;
    }

    private static ObjectNode entryNode(int sequence, Event event, Digest previousDigest, Instant time,
            Digest previousLedger, Digest previousHash, Digest hash) {
        ObjectNode n = NODES.objectNode();
        n.put("sequence", sequence);
        putEvent(n, event, time);
        putIfSet(n, "previousDigest", previousDigest);
        putIfSet(n, "previousLedger", previousLedger);
        putIfSet(n, "previousHash", previousHash);
        putIfSet(n, "hash", hash);
        return n;
    }

    private static LedgerEntry entry(JsonNode n, Digest version) {
        if (!n.isObject()) {
            throw malformed(version, "an entry is not a JSON object");
        }
        JsonNode seq = n.get("sequence");
        if (seq == null || !seq.canConvertToInt() || seq.asInt() < 1) {
            throw malformed(version, "an entry has no valid sequence number");
        }
        String where = "entry #" + seq.asInt();
        Event event;
        try {
            event = event(n, version, where);
        } catch (EngineException | IllegalArgumentException e) {
            throw malformed(version, where + " is invalid: " + e.getMessage());
        }
        return new LedgerEntry(seq.asInt(), event, digestOrNull(n, "previousDigest", version, where),
                instant(n, "time", version, where), digestOrNull(n, "previousLedger", version, where),
                digestOrNull(n, "previousHash", version, where), digest(n, "hash", version, where));
    }

    private static Event event(JsonNode n, Digest version, String where) {
        if (!n.isObject()) {
            throw malformed(version, where + " is not a JSON object");
        }
        List<String> gates = new ArrayList<>();
        n.path("gates").forEach(g -> gates.add(g.asText()));
        Action action = Action.ofLabel(text(n, "action", version, where));
        // a freeze, an unfreeze or an observation names no digest; every other entry must
        return new Event(action, action.changesDigest() ? digest(n, "digest", version, where)
                : digestOrNull(n, "digest", version, where),
                Outcome.ofLabel(text(n, "outcome", version, where)), text(n, "actor", version, where),
                textOrNull(n, "run"), textOrNull(n, "source"), textOrNull(n, "strategy"), gates,
                textOrNull(n, "reason"), n.path("forced").asBoolean(false), textOrNull(n, "deployment"),
                ObservationFormat.read(action, n));
    }

    /** An event as a deployment record's intent stores it: the members of an entry that the event gives. */
    private static ObjectNode eventNode(Event event) {
        ObjectNode n = NODES.objectNode();
        putEvent(n, event, null);
        return n;
    }

    /** An event's members, as an entry stores them (with its time) and as a record's intent does (without). */
    private static void putEvent(ObjectNode n, Event event, Instant time) {
        n.put("action", event.action().label());
        putIfSet(n, "digest", event.digest());
        n.put("outcome", event.outcome().label());
        if (time != null) {
            n.put("time", time.toString());
        }
        n.put("actor", event.actor());
        putIfSet(n, "run", event.run());
        putIfSet(n, "source", event.source());
        putIfSet(n, "strategy", event.strategy());
        if (!event.gates().isEmpty()) {
            ArrayNode gates = n.putArray("gates");
            event.gates().forEach(gates::add);
        }
        if (event.forced()) {
            n.put("forced", true);
        }
        putIfSet(n, "reason", event.reason());
        putIfSet(n, "deployment", event.deployment());
        if (event.observation() != null) {
            n.set(event.action().label(), ObservationFormat.node(event.observation()));
        }
    }

    /** The deployment record of a ledger layer as stored, or null, for {@link LedgerChain} to check. */
    static JsonNode rawDeployment(byte[] bytes) {
        JsonNode d = parse(bytes).get("deployment");
        return d == null || d.isNull() ? null : d;
    }

    private static JsonNode parse(byte[] bytes) {
        try {
            JsonNode root = JSON.readTree(bytes);
            if (root == null || !root.isObject()) {
                throw EngineException.integrity("the ledger is not a JSON object: it was not written by this"
                        + " tool or was damaged; restore the ledger tag to an earlier version");
            }
            return root;
        } catch (JsonProcessingException e) {
            throw EngineException.integrity("the ledger is not valid JSON (" + e.getOriginalMessage()
                    + "): it was damaged or edited by hand; restore the ledger tag to an earlier version");
        } catch (IOException e) {
            throw EngineException.integrity("the ledger cannot be read: " + e.getMessage());
        }
    }

    private static JsonNode parseState(String state) {
        try {
            JsonNode node = JSON.readTree(state);
            if (node == null || !node.isObject()) {
                throw EngineException.badInput("a deployment's state must be a JSON object, not: " + state);
            }
            return node;
        } catch (IOException e) {
            throw EngineException.badInput("a deployment's state must be a JSON object; it does not parse: "
                    + e.getMessage());
        }
    }

    private static String text(JsonNode n, String field, Digest version, String where) {
        JsonNode v = n.get(field);
        if (v == null || !v.isTextual() || v.asText().isEmpty()) {
            throw malformed(version, where + " has no " + field);
        }
        return v.asText();
    }

    private static String textOrNull(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static Digest digest(JsonNode n, String field, Digest version, String where) {
        String text = text(n, field, version, where);
        if (!Digest.isDigest(text)) {
            throw malformed(version, where + "'s " + field + " '" + text + "' is not a digest");
        }
        return Digest.parse(text);
    }

    private static Digest digestOrNull(JsonNode n, String field, Digest version, String where) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : digest(n, field, version, where);
    }

    private static Instant instant(JsonNode n, String field, Digest version, String where) {
        String text = text(n, field, version, where);
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw malformed(version, where + "'s " + field + " '" + text + "' is not an ISO-8601 instant");
        }
    }

    private static void putIfSet(ObjectNode n, String field, Object value) {
        if (value != null) {
            n.put(field, value.toString());
        }
    }

    private static EngineException malformed(Digest version, String what) {
        return EngineException.integrity("the ledger" + (version == null ? "" : " " + version) + " is malformed: "
                + what + ". It was damaged or edited by hand; restore the ledger tag to an earlier version");
    }
}
