package io.jenkins.plugins.immutable.config;

import io.jenkins.plugins.immutable.EngineException;
import java.util.List;

/** Small checks shared by the configuration records. */
final class Text {

    private Text() {
    }

    static String required(String value, String field, String hint) {
        if (value == null || value.isBlank()) {
            throw EngineException.badInput("'" + field + "' is missing: " + hint);
        }
        return value.strip();
    }

    static String optional(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }

    static <T> List<T> list(List<T> value) {
        return value == null ? List.of() : List.copyOf(value);
    }
}
