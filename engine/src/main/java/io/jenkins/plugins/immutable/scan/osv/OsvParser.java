package io.jenkins.plugins.immutable.scan.osv;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Reads OSV JSON: whole records for matching, and just the affected packages' keys for indexing. */
final class OsvParser {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonFactory FACTORY = JSON.getFactory();

    private OsvParser() {
    }

    static OsvRecord parse(byte[] json) throws IOException {
        JsonNode root = JSON.readTree(json);
        if (root == null || !root.isObject() || !root.path("id").isTextual()) {
            throw new IOException("not an OSV record (no \"id\")");
        }
        List<OsvRecord.Affected> affected = new ArrayList<>();
        for (JsonNode a : root.path("affected")) {
            List<OsvRecord.Range> ranges = new ArrayList<>();
            for (JsonNode r : a.path("ranges")) {
                List<OsvRecord.Event> events = new ArrayList<>();
                for (JsonNode e : r.path("events")) {
                    e.fields().forEachRemaining(f -> {
                        OsvRecord.Event.Kind kind = OsvRecord.Event.BY_FIELD.get(f.getKey());
                        if (kind != null && f.getValue().isTextual()) {
                            events.add(new OsvRecord.Event(kind, f.getValue().asText()));
                        }
                    });
                }
                ranges.add(new OsvRecord.Range(r.path("type").asText(""), events));
            }
            Set<String> versions = new LinkedHashSet<>();
            a.path("versions").forEach(v -> versions.add(v.asText()));
            JsonNode pkg = a.path("package");
            affected.add(new OsvRecord.Affected(pkg.path("ecosystem").asText(""), pkg.path("name").asText(""),
                    pkg.path("purl").asText(null), ranges, versions, severities(a.path("severity")),
                    text(a.path("ecosystem_specific").path("severity"), a.path("database_specific").path("severity"))));
        }
        List<String> aliases = new ArrayList<>();
        root.path("aliases").forEach(v -> aliases.add(v.asText()));
        List<String> references = new ArrayList<>();
        root.path("references").forEach(r -> {
            if (r.path("url").isTextual()) {
                references.add(r.path("url").asText());
            }
        });
        return new OsvRecord(root.path("id").asText(), root.path("modified").asText(""),
                root.path("withdrawn").asText(""), aliases, root.path("summary").asText(""),
                root.path("details").asText(""), severities(root.path("severity")),
                text(root.path("database_specific").path("severity")), affected, references);
    }

    private static List<OsvRecord.SeverityEntry> severities(JsonNode array) {
        List<OsvRecord.SeverityEntry> out = new ArrayList<>();
        for (JsonNode s : array) {
            if (s.path("type").isTextual() && s.path("score").isTextual()) {
                out.add(new OsvRecord.SeverityEntry(s.path("type").asText(), s.path("score").asText()));
            }
        }
        return out;
    }

    private static String text(JsonNode... candidates) {
        for (JsonNode n : candidates) {
            if (n.isTextual() && !n.asText().isBlank()) {
                return n.asText();
            }
        }
        return null;
    }

    /** What indexing needs of a record: its affected {@code (ecosystem, name)} pairs and its modification time. */
    record Keys(List<String[]> affected, String modified) {
    }

    /** Reads a record's {@link Keys} without building a tree. */
    static Keys keys(byte[] json) throws IOException {
        List<String[]> keys = new ArrayList<>();
        String modified = null;
        boolean hasId = false;
        try (JsonParser p = FACTORY.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("not a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken t = p.nextToken();
                if (field.equals("id") && t == JsonToken.VALUE_STRING) {
                    hasId = true;
                } else if (field.equals("modified") && t == JsonToken.VALUE_STRING) {
                    modified = p.getText();
                } else if (field.equals("affected") && t == JsonToken.START_ARRAY) {
                    while (p.nextToken() == JsonToken.START_OBJECT) {
                        String ecosystem = null;
                        String name = null;
                        while (p.nextToken() == JsonToken.FIELD_NAME) {
                            String f = p.currentName();
                            JsonToken v = p.nextToken();
                            if (f.equals("package") && v == JsonToken.START_OBJECT) {
                                while (p.nextToken() == JsonToken.FIELD_NAME) {
                                    String pf = p.currentName();
                                    JsonToken pv = p.nextToken();
                                    if (pf.equals("ecosystem") && pv == JsonToken.VALUE_STRING) {
                                        ecosystem = p.getText();
                                    } else if (pf.equals("name") && pv == JsonToken.VALUE_STRING) {
                                        name = p.getText();
                                    } else {
                                        p.skipChildren();
                                    }
                                }
                            } else {
                                p.skipChildren();
                            }
                        }
                        if (ecosystem != null && name != null) {
                            keys.add(new String[] {ecosystem, name});
                        }
                    }
                } else {
                    p.skipChildren();
                }
            }
        }
        if (!hasId) {
            throw new IOException("not an OSV record (no \"id\")");
        }
        return new Keys(keys, modified);
    }
}
