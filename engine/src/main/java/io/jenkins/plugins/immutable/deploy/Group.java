package io.jenkins.plugins.immutable.deploy;

import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.image.Digest;
import java.util.Objects;

/** What one track of an environment should run: {@code replicas} instances of one digest. */
public record Group(Track track, Digest digest, int replicas) {

    public Group {
        Objects.requireNonNull(track, "track");
        Objects.requireNonNull(digest, "digest");
        if (replicas < 0) {
            throw EngineException.badInput("a track cannot run " + replicas + " instances; give 0 or more");
        }
    }

    @Override
    public String toString() {
        return track.label() + ": " + replicas + " x " + digest.shortForm();
    }
}
