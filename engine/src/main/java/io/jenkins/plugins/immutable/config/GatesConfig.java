package io.jenkins.plugins.immutable.config;

import io.jenkins.plugins.immutable.freeze.PromotionWindows;
import io.jenkins.plugins.immutable.freeze.Window;
import java.io.Serializable;
import java.time.Duration;
import java.util.List;

/**
 * What a digest must show before it enters an environment.
 *
 * @param signedBy     ids of trusted keys, one of which must have signed the digest; empty = no signature gate
 * @param scanMaxAge   a passing scan attestation for the digest no older than this; null = no scan gate
 * @param fromPrevious the digest must be deployed in the previous environment (ignored for the first); default true
 * @param approval     a person must approve (Jenkins: an input step; CLI: --approve or a prompt)
 * @param provenance   a provenance attestation policy; null = none
 * @param windows      when promotions are allowed (weekly windows in a time zone); null = at any time
 * @param soak         how long a digest must have been live in the previous environment, without being rolled back
 *                     from or failing there, before it may enter this one ({@code 30m}, {@code 2h}); null = no soak
 */
public record GatesConfig(List<String> signedBy, String scanMaxAge, Boolean fromPrevious, boolean approval,
        ProvenanceConfig provenance, WindowsConfig windows, String soak) implements Serializable {

    private static final long serialVersionUID = 1L;

    /** What an environment without a {@code gates} block gets: only the promotion order is enforced. */
    public static final GatesConfig DEFAULT = new GatesConfig(List.of(), null, true, false, null);

    /** Gates without promotion windows or soak time. */
    public GatesConfig(List<String> signedBy, String scanMaxAge, Boolean fromPrevious, boolean approval,
            ProvenanceConfig provenance) {
        this(signedBy, scanMaxAge, fromPrevious, approval, provenance, null, null);
    }

    public GatesConfig {
        signedBy = Text.list(signedBy, "signedBy");
        scanMaxAge = Text.optional(scanMaxAge);
        String givenMaxAge = scanMaxAge;
        Text.in("scanMaxAge", () -> Durations.parse(givenMaxAge));
        fromPrevious = fromPrevious == null || fromPrevious;
        soak = Text.optional(soak);
        String givenSoak = soak;
        Duration soakTime = Text.in("soak", () -> Durations.parse(givenSoak));
        if (soakTime != null && (soakTime.isZero() || soakTime.isNegative())) {
            throw Text.invalid("soak", "soak " + soak + " must be longer than zero, e.g. 30m; leave it out for no soak"
                    + " gate");
        }
    }

    /**
     * When promotions into the environment are allowed: weekly windows in a time zone. A moment is open when it lies
     * in one of the {@code allow} windows (or there are none) and in none of the {@code deny} windows.
     *
     * @param timeZone a region id such as {@code Europe/Berlin}; default UTC
     * @param allow    windows such as {@code Mon-Fri 09:00-17:00}, {@code Fri 22:00-02:00}, {@code 09:00-17:00}
     * @param deny     windows in which promotions are refused even inside an allowed one
     */
    public record WindowsConfig(String timeZone, List<String> allow, List<String> deny) implements Serializable {

        private static final long serialVersionUID = 1L;

        public WindowsConfig {
            timeZone = Text.optional(timeZone);
            allow = Text.list(allow);
            deny = Text.list(deny);
            String zone = timeZone;
            Text.in("timeZone", () -> PromotionWindows.parse(zone, List.of(), List.of("00:00-24:00")));
            for (int i = 0; i < allow.size(); i++) {
                String w = allow.get(i);
                Text.in("allow[" + i + "]", () -> Window.parse(w));
            }
            for (int i = 0; i < deny.size(); i++) {
                String w = deny.get(i);
                Text.in("deny[" + i + "]", () -> Window.parse(w));
            }
            if (allow.isEmpty() && deny.isEmpty()) {
                throw Text.invalid("allow", "promotion windows need at least one allow or deny window, e.g."
                        + " allow: ['Mon-Fri 09:00-17:00']; leave windows out to allow promotions at any time");
            }
        }

        /** The engine's form. */
        public PromotionWindows toWindows() {
            return PromotionWindows.parse(timeZone, allow, deny);
        }
    }

    /**
     * Provenance policy: the attestation's builder id and source repository must match one of these (an entry ending
     * in {@code *} matches by prefix).
     */
    public record ProvenanceConfig(List<String> builderIds, List<String> sourceRepositories) implements Serializable {

        private static final long serialVersionUID = 1L;

        public ProvenanceConfig {
            builderIds = Text.list(builderIds, "builderIds");
            sourceRepositories = Text.list(sourceRepositories, "sourceRepositories");
        }
    }
}
