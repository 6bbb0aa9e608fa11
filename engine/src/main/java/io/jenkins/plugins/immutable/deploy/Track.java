package io.jenkins.plugins.immutable.deploy;

import io.jenkins.plugins.immutable.EngineException;
import java.util.Locale;

/**
 * A group of identical instances of one environment. An environment has two colours, one live and one idle: blue-green
 * and canary start the new digest in the idle colour, so the live one stays untouched until traffic has moved. The
 * baseline runs the live digest on fresh instances beside a canary, so the two are compared on equal terms.
 */
public enum Track {
    BLUE, GREEN, BASELINE;

    /** Lower case, as it appears in container names, labels and router server names. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean isColour() {
        return this != BASELINE;
    }

    /** The other colour: where the next version of an environment whose live colour is this one starts. */
    public Track otherColour() {
        return switch (this) {
            case BLUE -> GREEN;
            case GREEN -> BLUE;
            case BASELINE -> throw new IllegalStateException("the baseline has no other colour");
        };
    }

    public static Track parse(String text) {
        for (Track track : values()) {
            if (track.label().equalsIgnoreCase(text == null ? "" : text.strip())) {
                return track;
            }
        }
        throw EngineException.badInput("unknown track '" + text + "': use blue, green or baseline");
    }
}
