package io.jenkins.plugins.immutable.metrics;

import io.jenkins.plugins.immutable.image.Digest;
import java.time.Instant;
import java.util.List;

/**
 * One digest of the version distribution: where it is live, and since when.
 *
 * @param digest     the digest
 * @param placements each environment it is live in, in promotion order
 */
public record VersionShare(Digest digest, List<Placement> placements) {

    public VersionShare {
        placements = List.copyOf(placements);
    }

    /** Live in {@code environment} since {@code since}. */
    public record Placement(String environment, Instant since) {
    }
}
