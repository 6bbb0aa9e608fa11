package io.jenkins.plugins.immutable.config;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Finds the first field the schema does not know, with its location. Jackson reports unknown fields of records only
 * after the record is built, so a misspelt required field would otherwise be reported as "missing" rather than as
 * the typo it is.
 */
final class UnknownFields {

    /** An unknown field: where, under which path, and what the schema allows there. */
    record Unknown(int line, int column, String path, String field, String allowed) {
    }

    private UnknownFields() {
    }

    static Optional<Unknown> find(JsonParser p, Class<?> root) throws IOException {
        if (p.nextToken() == null) {
            return Optional.empty();
        }
        return walk(p, root, "");
    }

    private static Optional<Unknown> walk(JsonParser p, Type type, String path) throws IOException {
        JsonToken token = p.currentToken();
        Class<?> raw = raw(type);
        if (token == JsonToken.START_ARRAY && java.util.List.class.isAssignableFrom(raw)) {
            Type element = argument(type, 0);
            int i = 0;
            while (p.nextToken() != JsonToken.END_ARRAY) {
                Optional<Unknown> u = walk(p, element, path + "[" + i++ + "]");
                if (u.isPresent()) {
                    return u;
                }
            }
            return Optional.empty();
        }
        if (token != JsonToken.START_OBJECT) {
            p.skipChildren();
            return Optional.empty();
        }
        if (Map.class.isAssignableFrom(raw)) {
            p.skipChildren();
            return Optional.empty();
        }
        JsonSubTypes subtypes = raw.getAnnotation(JsonSubTypes.class);
        Map<String, Type> fields = subtypes != null
                ? Arrays.stream(subtypes.value()).collect(Collectors.toMap(JsonSubTypes.Type::name, t -> (Type) t.value()))
                : raw.isRecord()
                        ? Arrays.stream(raw.getRecordComponents()).collect(Collectors.toMap(RecordComponent::getName,
                                RecordComponent::getGenericType))
                        : null;
        if (fields == null) {
            p.skipChildren();
            return Optional.empty();
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            var location = p.currentTokenLocation();
            p.nextToken();
            Type fieldType = fields.containsKey(name) || subtypes == null ? fields.get(name) : alias(subtypes, name);
            String here = subtypes != null ? path : path.isEmpty() ? name : path + "." + name;
            if (fieldType == null) {
                return Optional.of(new Unknown(location.getLineNr(), location.getColumnNr(), path, name,
                        fields.keySet().stream().sorted().collect(Collectors.joining(", "))));
            }
            Optional<Unknown> u = walk(p, fieldType, here);
            if (u.isPresent()) {
                return u;
            }
        }
        return Optional.empty();
    }

    /** The subtype an alternative name ({@code names}, e.g. {@code blue-green}) stands for; null for none. */
    private static Type alias(JsonSubTypes subtypes, String name) {
        return Arrays.stream(subtypes.value()).filter(t -> Arrays.asList(t.names()).contains(name))
                .map(t -> (Type) t.value()).findFirst().orElse(null);
    }

    private static Class<?> raw(Type type) {
        if (type instanceof Class<?> c) {
            return c;
        }
        if (type instanceof ParameterizedType pt) {
            return (Class<?>) pt.getRawType();
        }
        return Object.class;
    }

    private static Type argument(Type type, int index) {
        return type instanceof ParameterizedType pt ? pt.getActualTypeArguments()[index] : Object.class;
    }
}
