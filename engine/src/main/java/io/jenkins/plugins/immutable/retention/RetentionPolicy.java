package io.jenkins.plugins.immutable.retention;

import io.jenkins.plugins.immutable.EngineException;
import java.io.Serializable;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What retention keeps beyond what is live.
 *
 * @param keepLastGood how many of each environment's most recent known-good digests stay (rollback candidates), at
 *                     least 1
 * @param keepWithin   a digest a ledger entry names within this long stays, and so does an image never promoted that
 *                     was built within this long
 * @param keepTags     tags that always stay, as globs ({@code v*}, {@code release-?}); empty = none beyond the rules
 */
public record RetentionPolicy(int keepLastGood, Duration keepWithin, List<String> keepTags) implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Five rollback candidates per environment and thirty days of history: what a team can roll back to in practice. */
    public static final RetentionPolicy DEFAULT = new RetentionPolicy(5, Duration.ofDays(30), List.of());

    public RetentionPolicy {
        if (keepLastGood < 1) {
            throw EngineException.badInput("retention must keep at least 1 known-good digest per environment (the"
                    + " rollback target), not " + keepLastGood + "; set keepLastGood to 1 or more");
        }
        if (keepWithin == null || keepWithin.isNegative()) {
            throw EngineException.badInput("retention needs a window that is zero or longer, for example 30d");
        }
        keepTags = keepTags == null ? List.of() : List.copyOf(keepTags);
        for (String glob : keepTags) {
            if (glob == null || glob.isBlank()) {
                throw EngineException.badInput("a retention keepTags entry is empty; write a tag or a glob such as v*");
            }
        }
    }

    /** The first keepTags glob the tag matches, or null. */
    String keptTagPattern(String tag) {
        for (String glob : keepTags) {
            if (globPattern(glob).matcher(tag).matches()) {
                return glob;
            }
        }
        return null;
    }

    private static Pattern globPattern(String glob) {
        StringBuilder regex = new StringBuilder();
        for (char c : glob.toCharArray()) {
            switch (c) {
                case '*' -> regex.append(".*");
                case '?' -> regex.append('.');
                default -> regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(regex.toString());
    }
}
