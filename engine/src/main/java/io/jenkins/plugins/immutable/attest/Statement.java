package io.jenkins.plugins.immutable.attest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jenkins.plugins.immutable.image.Digest;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * An in-toto Statement: subjects (by digest), a predicate type, and the predicate (any JSON). Written as v1
 * ({@code _type} {@value #TYPE_V1}); v0.1, which older cosign releases write, is read too.
 */
public record Statement(List<Subject> subjects, String predicateType, JsonNode predicate) {

    public static final String TYPE_V1 = "https://in-toto.io/Statement/v1";
    public static final String TYPE_V01 = "https://in-toto.io/Statement/v0.1";

    /** Duplicate members are refused: two readers must never see two different statements in one document. */
    static final ObjectMapper JSON = JsonMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

    public Statement {
        subjects = List.copyOf(subjects);
        if (subjects.isEmpty()) {
            throw new IllegalArgumentException("a statement needs at least one subject");
        }
        if (predicateType == null || predicateType.isBlank()) {
            throw new IllegalArgumentException("a statement needs a predicateType");
        }
        predicate = predicate == null ? JSON.createObjectNode() : predicate.deepCopy();
    }

    /** A statement about one image. */
    public static Statement about(Subject subject, String predicateType, JsonNode predicate) {
        return new Statement(List.of(subject), predicateType, predicate);
    }

    /** The predicate (a copy: statements are values). */
    @Override
    public JsonNode predicate() {
        return predicate.deepCopy();
    }

    /** True when one of the subjects is the digest. */
    public boolean covers(Digest digest) {
        return subjects.stream().anyMatch(s -> s.matches(digest));
    }

    /** The statement's JSON, the DSSE payload. */
    public byte[] toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("_type", TYPE_V1);
        ArrayNode list = root.putArray("subject");
        for (Subject subject : subjects) {
            ObjectNode node = list.addObject();
            node.put("name", subject.name());
            ObjectNode digest = node.putObject("digest");
            subject.digest().forEach(digest::put);
        }
        root.put("predicateType", predicateType);
        root.set("predicate", predicate);
        try {
            return JSON.writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serialises", e);
        }
    }

    /** Reads a statement; throws {@link IllegalArgumentException} saying what is wrong. */
    public static Statement parse(byte[] json) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException("the statement is not JSON");
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("the statement is not a JSON object");
        }
        String type = root.path("_type").asText("");
        if (!Set.of(TYPE_V1, TYPE_V01).contains(type)) {
            throw new IllegalArgumentException("the statement's _type is '" + type + "', not " + TYPE_V1);
        }
        JsonNode subjectList = root.get("subject");
        if (subjectList == null || !subjectList.isArray() || subjectList.isEmpty()) {
            throw new IllegalArgumentException("the statement has no subject");
        }
        List<Subject> subjects = new ArrayList<>();
        for (JsonNode node : subjectList) {
            JsonNode digest = node.get("digest");
            if (digest == null || !digest.isObject()) {
                throw new IllegalArgumentException("a subject of the statement has no digest");
            }
            java.util.Map<String, String> digests = new java.util.TreeMap<>();
            digest.fields().forEachRemaining(e -> digests.put(e.getKey(), e.getValue().asText()));
            subjects.add(new Subject(node.path("name").asText(""), digests));
        }
        JsonNode predicateType = root.get("predicateType");
        if (predicateType == null || !predicateType.isTextual() || predicateType.asText().isBlank()) {
            throw new IllegalArgumentException("the statement has no predicateType");
        }
        return new Statement(subjects, predicateType.asText(), root.get("predicate"));
    }
}
