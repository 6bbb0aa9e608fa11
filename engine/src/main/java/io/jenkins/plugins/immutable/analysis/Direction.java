package io.jenkins.plugins.immutable.analysis;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.jenkins.plugins.immutable.EngineException;
import java.util.Locale;

/** Which change of a metric counts against the canary. */
public enum Direction {
    /** Only a rise fails (errors, latency). */
    INCREASE,
    /** Only a fall fails (throughput, cache hits). */
    DECREASE,
    /** Any significant change fails. */
    EITHER;

    boolean watchesIncrease() {
        return this != DECREASE;
    }

    boolean watchesDecrease() {
        return this != INCREASE;
    }

    @JsonValue
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code increase}, {@code decrease} or {@code either}, in any case. */
    @JsonCreator
    public static Direction parse(String text) {
        for (Direction d : values()) {
            if (d.name().equalsIgnoreCase(text == null ? "" : text.strip())) {
                return d;
            }
        }
        throw EngineException.badInput("unknown metric direction '" + text + "': use increase, decrease or either");
    }
}
