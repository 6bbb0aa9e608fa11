package io.jenkins.plugins.immutable.config;

import io.jenkins.plugins.immutable.EngineException;
import java.util.List;
import java.util.function.Supplier;

/** Small checks shared by the configuration records. */
final class Text {

    private Text() {
    }

    static String required(String value, String field, String hint) {
        if (value == null || value.isBlank()) {
            throw new FieldException(field, "'" + field + "' is missing: " + hint);
        }
        return value.strip();
    }

    /** A bad value of {@code field}: the YAML reader points at that field's line. */
    static EngineException invalid(String field, String message) {
        return new FieldException(field, message);
    }

    /** Runs a check of {@code field}'s value; its error is reported at that field. */
    static <T> T in(String field, Supplier<T> check) {
        try {
            return check.get();
        } catch (FieldException e) {
            throw e;
        } catch (EngineException e) {
            throw new FieldException(field, e.getMessage());
        }
    }

    static String optional(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }

    static <T> List<T> list(List<T> value) {
        return value == null ? List.of() : List.copyOf(value);
    }

    /**
     * An optional list, copied. An empty entry (a lone {@code -}, or {@code null}) is reported at its index of
     * {@code field}, since it is always a slip: a line left half-written, or an indentation that split an entry.
     */
    static <T> List<T> list(List<T> value, String field) {
        if (value == null) {
            return List.of();
        }
        for (int i = 0; i < value.size(); i++) {
            if (value.get(i) == null) {
                throw new FieldException(field + "[" + i + "]", "entry " + (i + 1) + " of " + field + " is empty;"
                        + " write its settings after the '-' (indented under it), or remove the line");
            }
        }
        return List.copyOf(value);
    }
}
