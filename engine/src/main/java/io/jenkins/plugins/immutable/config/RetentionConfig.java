package io.jenkins.plugins.immutable.config;

import io.jenkins.plugins.immutable.retention.RetentionPolicy;
import java.io.Serializable;
import java.util.List;

/**
 * Which manifests of the environments' repositories retention keeps (see docs/retention.md).
 *
 * @param keepLastGood how many of each environment's most recent known-good digests stay; default 5
 * @param keepWithin   digests a ledger entry names within this long stay, and builds never promoted that are this
 *                     young; default 30d
 * @param keepTags     tags (globs) that always stay
 * @param interval     how often Jenkins prunes on its own (for example 24h); empty = never, only when asked
 */
public record RetentionConfig(Integer keepLastGood, String keepWithin, List<String> keepTags, String interval)
        implements Serializable {

    private static final long serialVersionUID = 1L;

    public static final RetentionConfig DEFAULTS = new RetentionConfig(null, null, null, null);

    public RetentionConfig {
        keepLastGood = keepLastGood == null ? RetentionPolicy.DEFAULT.keepLastGood() : keepLastGood;
        keepWithin = Text.optional(keepWithin) == null ? "30d" : keepWithin.strip();
        keepTags = Text.list(keepTags, "keepTags");
        interval = Text.optional(interval);
        String givenWithin = keepWithin;
        Text.in("keepWithin", () -> Durations.parse(givenWithin));
        String givenInterval = interval;
        if (givenInterval != null) {
            Text.in("interval", () -> Durations.parse(givenInterval));
        }
        int givenKeep = keepLastGood;
        List<String> givenTags = keepTags;
        Text.in("keepLastGood", () -> new RetentionPolicy(givenKeep, Durations.parse(givenWithin), givenTags));
    }

    /** The engine's policy for these settings. */
    public RetentionPolicy policy() {
        return new RetentionPolicy(keepLastGood, Durations.parse(keepWithin), keepTags);
    }
}
