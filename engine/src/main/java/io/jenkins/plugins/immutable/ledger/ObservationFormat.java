package io.jenkins.plugins.immutable.ledger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jenkins.plugins.immutable.image.Digest;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * The JSON of an observation, as an entry holds it under a member named by its action ({@code "rescan": {...}},
 * {@code "drift": {...}}). Integers and strings only, so that the canonical JSON an entry's hash is computed over has
 * one form.
 *
 * <pre>{@code
 * "rescan": {"status": "at-risk", "live": "sha256:...",
 *            "digests": [{"digest": "sha256:...", "roles": ["live"], "verdict": "failed",
 *                         "counts": {"critical": 0, "high": 1, "medium": 0, "low": 0, "unknown": 0},
 *                         "scannedOn": "2026-...", "note": "1 finding at or above HIGH: ..."}],
 *            "database": {"fingerprint": "...", "records": 412, "newestModified": "2026-..."}}
 * "drift":  {"expected": "sha256:...", "differences": [{"kind": "WRONG_DIGEST", "subject": "prod-blue-1",
 *                                                      "detail": "runs sha256:... ; the ledger says ..."}]}
 * }</pre>
 */
final class ObservationFormat {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private ObservationFormat() {
    }

    static ObjectNode node(Observation o) {
        ObjectNode n = NODES.objectNode();
        if (o instanceof RescanRecord r) {
            n.put("status", r.status().label());
            putIfSet(n, "live", r.live());
            ArrayNode digests = n.putArray("digests");
            for (RescanRecord.ScannedDigest d : r.digests()) {
                ObjectNode dn = digests.addObject();
                dn.put("digest", d.digest().toString());
                ArrayNode roles = dn.putArray("roles");
                d.roles().forEach(roles::add);
                dn.put("verdict", d.verdict());
                if (d.counts() != null) {
                    RescanRecord.Counts c = d.counts();
                    dn.putObject("counts").put("critical", c.critical()).put("high", c.high())
                            .put("medium", c.medium()).put("low", c.low()).put("unknown", c.unknown());
                }
                putIfSet(dn, "scannedOn", d.scannedOn());
                putIfSet(dn, "note", d.note());
            }
            if (r.database() != null) {
                ObjectNode db = n.putObject("database");
                putIfSet(db, "fingerprint", r.database().fingerprint());
                db.put("records", r.database().records());
                putIfSet(db, "newestModified", r.database().newestModified());
            }
        } else if (o instanceof DriftRecord d) {
            n.put("expected", d.expected().toString());
            ArrayNode differences = n.putArray("differences");
            for (DriftRecord.Difference x : d.differences()) {
                ObjectNode dn = differences.addObject();
                dn.put("kind", x.kind());
                dn.put("subject", x.subject());
                putIfSet(dn, "detail", x.detail());
            }
        }
        return n;
    }

    /** The observation of an entry with {@code action}, from the entry's JSON {@code entry}; null for other actions. */
    static Observation read(Action action, JsonNode entry) {
        if (!action.isObservation()) {
            return null;
        }
        JsonNode n = entry.get(action.label());
        if (n == null || !n.isObject()) {
            throw new IllegalArgumentException("a " + action + " entry has no " + action.label() + " object");
        }
        if (action == Action.RESCAN) {
            List<RescanRecord.ScannedDigest> digests = new ArrayList<>();
            for (JsonNode d : array(n, "digests")) {
                List<String> roles = new ArrayList<>();
                array(d, "roles").forEach(r -> roles.add(r.asText()));
                JsonNode c = d.get("counts");
                RescanRecord.Counts counts = c == null || c.isNull() ? null : new RescanRecord.Counts(
                        count(c, "critical"), count(c, "high"), count(c, "medium"), count(c, "low"),
                        count(c, "unknown"));
                digests.add(new RescanRecord.ScannedDigest(digest(d, "digest"), roles, text(d, "verdict"), counts,
                        instantOrNull(d, "scannedOn"), textOrNull(d, "note")));
            }
            JsonNode db = n.get("database");
            RescanRecord.Database database = db == null || db.isNull() ? null : new RescanRecord.Database(
                    textOrNull(db, "fingerprint"), db.path("records").asInt(0), textOrNull(db, "newestModified"));
            JsonNode live = n.get("live");
            return new RescanRecord(RescanRecord.Status.ofLabel(text(n, "status")),
                    live == null || live.isNull() ? null : digest(n, "live"), digests, database);
        }
        List<DriftRecord.Difference> differences = new ArrayList<>();
        for (JsonNode d : array(n, "differences")) {
            differences.add(new DriftRecord.Difference(text(d, "kind"), text(d, "subject"), textOrNull(d, "detail")));
        }
        return new DriftRecord(digest(n, "expected"), differences);
    }

    private static JsonNode array(JsonNode n, String field) {
        JsonNode a = n.get(field);
        if (a == null || !a.isArray()) {
            throw new IllegalArgumentException("its " + field + " is not a list");
        }
        return a;
    }

    private static int count(JsonNode counts, String severity) {
        JsonNode v = counts.get(severity);
        if (v == null || !v.canConvertToInt() || v.asInt() < 0) {
            throw new IllegalArgumentException("its " + severity + " count is not a number of findings");
        }
        return v.asInt();
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || !v.isTextual() || v.asText().isEmpty()) {
            throw new IllegalArgumentException("it has no " + field);
        }
        return v.asText();
    }

    private static String textOrNull(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static Digest digest(JsonNode n, String field) {
        String text = text(n, field);
        if (!Digest.isDigest(text)) {
            throw new IllegalArgumentException("its " + field + " '" + text + "' is not a digest");
        }
        return Digest.parse(text);
    }

    private static Instant instantOrNull(JsonNode n, String field) {
        String text = textOrNull(n, field);
        try {
            return text == null ? null : Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("its " + field + " '" + text + "' is not an ISO-8601 instant");
        }
    }

    private static void putIfSet(ObjectNode n, String field, Object value) {
        if (value != null) {
            n.put(field, value.toString());
        }
    }
}
