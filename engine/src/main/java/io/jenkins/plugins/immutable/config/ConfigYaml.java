package io.jenkins.plugins.immutable.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.jenkins.plugins.immutable.EngineException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Reads and writes {@code immutable.yaml}. Every mistake is reported as {@code file:line:column: field.path: problem},
 * with what to write instead, because a configuration error found in the middle of a release is the worst kind.
 */
public final class ConfigYaml {

    private static final ObjectMapper MAPPER = YAMLMapper.builder(YAMLFactory.builder()
                    .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                    .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
                    // a key given twice is a slip whose second value would silently win
                    .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                    .build())
            .addModule(new JavaTimeModule())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            // replicas: 1.5 is a mistake, not 1
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .serializationInclusion(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_EMPTY)
            .build();

    private ConfigYaml() {
    }

    public static DeliveryConfig read(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw EngineException.badInput(file + " does not exist; write one (see docs/configuration.md) or give"
                    + " another with --config");
        } catch (IOException e) {
            throw EngineException.badInput("cannot read " + file + ": " + e.getMessage());
        }
        return parse(text, file.toString());
    }

    /** Parses YAML text; {@code source} names it in errors (a file name). */
    public static DeliveryConfig parse(String yaml, String source) {
        if (yaml.isBlank()) {
            return DeliveryConfig.EMPTY;
        }
        try {
            DeliveryConfig config = MAPPER.readValue(yaml, DeliveryConfig.class);
            return config == null ? DeliveryConfig.EMPTY : config;
        } catch (JsonMappingException e) {
            Optional<String> syntax = ConfigProblems.syntax(e, source);
            if (syntax.isPresent()) {
                throw EngineException.badInput(syntax.get());
            }
            rejectDuplicate(e, yaml, source);
            // A misspelt field is the likeliest cause of any mapping error; name it rather than its consequence.
            UnknownFields.Unknown unknown = firstUnknownField(yaml);
            if (unknown != null) {
                throw EngineException.badInput(source + ":" + unknown.line() + ":" + unknown.column() + ": "
                        + (unknown.path().isEmpty() ? "" : unknown.path() + ".") + unknown.field() + ": unknown field '"
                        + unknown.field() + "'; expected one of " + unknown.allowed());
            }
            FieldException field = fieldException(e);
            if (field != null) {
                // point at the field whose value is wrong, not at the end of the block Jackson had read
                String parent = path(e).strip();
                String full = parent.isEmpty() ? field.field()
                        : field.field().startsWith("[") ? parent + field.field() : parent + "." + field.field();
                JsonLocation at = YamlLocations.findNearest(MAPPER, yaml, full)
                        .or(() -> YamlLocations.find(MAPPER, yaml, parent))
                        .orElse(e.getLocation());
                throw EngineException.badInput(where(source, at) + " " + full + ": " + field.getMessage());
            }
            String at = path(e).strip();
            rejectUnclosedFlow(e.getLocation(), yaml, source);
            if (e instanceof MismatchedInputException mismatch) {
                String wrong = ConfigProblems.wrongKind(mismatch, at);
                if (wrong != null) {
                    throw EngineException.badInput(where(source, e.getLocation()) + (at.isEmpty() ? "" : " " + at + ":")
                            + " " + wrong);
                }
            }
            throw EngineException.badInput(where(source, e.getLocation()) + (at.isEmpty() ? "" : " " + at + ":") + " "
                    + problem(e));
        } catch (JsonProcessingException e) {
            Optional<String> syntax = ConfigProblems.syntax(e, source);
            if (syntax.isPresent()) {
                throw EngineException.badInput(syntax.get());
            }
            rejectDuplicate(e, yaml, source);
            throw EngineException.badInput(where(source, e.getLocation()) + " this is not valid YAML: "
                    + e.getOriginalMessage());
        }
    }

    /**
     * A {@code [} or {@code {} left open on the line of a mapping error: YAML then reads the following lines into the
     * list, and the error Jackson finds there (a "whole number" that is really two lines) hides the real slip.
     */
    private static void rejectUnclosedFlow(JsonLocation location, String yaml, String source) {
        if (location == null || location.getLineNr() < 1) {
            return;
        }
        List<String> lines = yaml.lines().toList();
        for (int n = Math.min(location.getLineNr(), lines.size()); n >= 1 && n > location.getLineNr() - 3; n--) {
            String line = lines.get(n - 1);
            for (char[] pair : new char[][] {{'[', ']'}, {'{', '}'}}) {
                int open = line.lastIndexOf(pair[0]);
                if (open >= 0 && line.indexOf(pair[1], open) < 0 && line.indexOf('#') < 0) {
                    String kind = pair[0] == '[' ? "list" : "mapping";
                    throw EngineException.badInput(source + ":" + n + ":" + (open + 1) + ": this is not valid YAML"
                            + " as meant: the " + kind + " opened with " + pair[0] + " here is not closed on its line,"
                            + " so the lines after it were read into it; close it with " + pair[1] + ", e.g. "
                            + (pair[0] == '[' ? "steps: [25, 50]" : "target: { docker: { ports: \"28100-28119\" } }"));
                }
            }
        }
    }

    /** A key given twice, reported at its second occurrence's line and column. */
    private static void rejectDuplicate(Throwable e, String yaml, String source) {
        Optional<ConfigProblems.Duplicate> d = ConfigProblems.duplicate(e);
        if (d.isEmpty()) {
            return;
        }
        String position = "";
        List<String> lines = yaml.lines().toList();
        int line = d.get().line();
        if (line >= 1 && line <= lines.size()) {
            int column = lines.get(line - 1).indexOf(d.get().key());
            position = ":" + line + ":" + (column < 0 ? 1 : column + 1);
        }
        throw EngineException.badInput(source + position + ": " + d.get().message());
    }

    private static UnknownFields.Unknown firstUnknownField(String yaml) {
        try (var parser = MAPPER.getFactory().createParser(yaml)) {
            return UnknownFields.find(parser, DeliveryConfig.class).orElse(null);
        } catch (IOException e) {
            return null;
        }
    }

    public static String write(DeliveryConfig config) {
        try {
            return MAPPER.writeValueAsString(config);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("configuration records always serialise", e);
        }
    }

    private static String where(String source, JsonLocation location) {
        if (location == null || location.getLineNr() < 1) {
            return source + ":";
        }
        return source + ":" + location.getLineNr() + ":" + location.getColumnNr() + ":";
    }

    private static String path(JsonMappingException e) {
        String path = e.getPath().stream()
                .map(r -> r.getIndex() >= 0 ? "[" + r.getIndex() + "]" : "." + r.getFieldName())
                .collect(Collectors.joining());
        return path.isEmpty() ? "" : " " + (path.startsWith(".") ? path.substring(1) : path);
    }

    private static FieldException fieldException(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof FieldException f) {
                return f;
            }
        }
        return null;
    }

    private static String problem(JsonMappingException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof EngineException engine) {
                return engine.getMessage();
            }
        }
        String message = e.getOriginalMessage();
        if (message.contains("missing type id") || message.contains("Could not resolve type id")) {
            return message.replaceAll("\\s*\\(for POJO property.*", "").replaceAll(" for subtype of.*", "")
                    + " (write exactly one of the kinds this field allows, e.g. docker:, blueGreen:, prometheus:)";
        }
        return message;
    }
}
