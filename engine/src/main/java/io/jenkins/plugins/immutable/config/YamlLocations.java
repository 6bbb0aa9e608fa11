package io.jenkins.plugins.immutable.config;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Where a field path ({@code environments[1].strategy.steps}) is written in a YAML text. Paths as Jackson reports them
 * leave out the one-key wrappers of the sealed kinds ({@code canary:}, {@code docker:}), so those keys are skipped
 * when matching.
 */
final class YamlLocations {

    /** The wrapper keys of the sealed kinds, which Jackson's paths do not contain. */
    private static final Set<String> WRAPPERS = Stream.of(TargetConfig.class, RouterConfig.class,
                    StrategyConfig.class, AnalysisTemplateConfig.SourceConfig.class)
            .flatMap(c -> Arrays.stream(c.getAnnotation(JsonSubTypes.class).value()))
            .map(JsonSubTypes.Type::name)
            .collect(Collectors.toUnmodifiableSet());

    private YamlLocations() {
    }

    static Optional<JsonLocation> find(ObjectMapper mapper, String yaml, String path) {
        if (path == null || path.isEmpty()) {
            return Optional.empty();
        }
        try (JsonParser p = mapper.getFactory().createParser(yaml)) {
            Map<String, JsonLocation> all = new LinkedHashMap<>();
            walk(p, all);
            JsonLocation exact = all.get(path);
            if (exact != null) {
                return Optional.of(exact);
            }
            return all.entrySet().stream().filter(e -> withoutWrappers(e.getKey()).equals(path))
                    .map(Map.Entry::getValue).findFirst();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /**
     * Where {@code path} is written, or else the nearest enclosing field or element that is: an upstream written as one
     * name ({@code upstream: staging}) has no element {@code [0]} to point at, but has its field.
     */
    static Optional<JsonLocation> findNearest(ObjectMapper mapper, String yaml, String path) {
        for (String p = path; p != null && !p.isEmpty(); p = enclosing(p)) {
            Optional<JsonLocation> at = find(mapper, yaml, p);
            if (at.isPresent()) {
                return at;
            }
        }
        return Optional.empty();
    }

    /** {@code a.b[1]} -> {@code a.b}, {@code a.b} -> {@code a}, {@code a} -> null. */
    private static String enclosing(String path) {
        int cut = Math.max(path.lastIndexOf('.'), path.endsWith("]") ? path.lastIndexOf('[') : -1);
        return cut <= 0 ? null : path.substring(0, cut);
    }

    /** Records the location of every field and array element, by path. */
    private static void walk(JsonParser p, Map<String, JsonLocation> all) throws IOException {
        Deque<String> paths = new ArrayDeque<>();
        Deque<int[]> indexes = new ArrayDeque<>();
        String pending = "";
        for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
            switch (t) {
                case FIELD_NAME -> {
                    String base = paths.isEmpty() ? "" : paths.peek();
                    pending = base.isEmpty() ? p.currentName() : base + "." + p.currentName();
                    all.putIfAbsent(pending, p.currentTokenLocation());
                    continue;
                }
                default -> { }
            }
            // a value: inside an array it gets the next index as its path
            if (!indexes.isEmpty() && indexes.peek().length == 1 && t != JsonToken.END_ARRAY) {
                pending = paths.peek() + "[" + indexes.peek()[0]++ + "]";
                all.putIfAbsent(pending, p.currentTokenLocation());
            }
            switch (t) {
                case START_OBJECT -> {
                    paths.push(pending);
                    indexes.push(new int[0]);
                }
                case START_ARRAY -> {
                    paths.push(pending);
                    indexes.push(new int[] {0});
                }
                case END_OBJECT, END_ARRAY -> {
                    paths.pop();
                    indexes.pop();
                }
                default -> { }
            }
        }
    }

    private static String withoutWrappers(String path) {
        return Arrays.stream(path.split("\\."))
                .filter(segment -> !WRAPPERS.contains(segment))
                .collect(Collectors.joining("."));
    }
}
