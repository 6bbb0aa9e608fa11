package io.jenkins.plugins.immutable.promote;

import io.jenkins.plugins.immutable.image.Digest;
import io.jenkins.plugins.immutable.ledger.Action;
import io.jenkins.plugins.immutable.ledger.LedgerEntry;
import io.jenkins.plugins.immutable.ledger.LedgerHistory;
import io.jenkins.plugins.immutable.ledger.Outcome;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Passes when the digest has been live upstream for at least the soak time (in the environment before it in a plain
 * promotion order; in all or any of its upstream environments in a graph, as it requires), as each one's ledger tells: its latest stretch live there, from the entry that made it live to the entry that replaced it (or
 * now), without a rollback away from it or a failed deployment of it since. The refusal says how long is left, or why
 * the digest can no longer soak there.
 */
public final class SoakGate implements Gate {

    public static final String NAME = "soak";

    private final Duration soak;
    private final Clock clock;

    public SoakGate(Duration soak, Clock clock) {
        this.soak = Objects.requireNonNull(soak, "soak");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public GateResult check(GateContext c) {
        return c.acrossUpstreams(NAME, c.environment().name() + " is the first environment: there is nowhere upstream"
                + " to soak", u -> check(c, u));
    }

    /** Whether the digest soaked long enough in this one upstream environment. */
    private GateResult check(GateContext c, GateContext.UpstreamLedger upstream) {
        String env = c.environment().name();
        String prev = upstream.name();
        Digest digest = c.digest();
        List<LedgerEntry> entries = upstream.history().entries();
        int start = -1;
        for (int i = entries.size() - 1; i >= 0 && start < 0; i--) {
            if (digest.equals(entries.get(i).digest()) && entries.get(i).outcome().makesLive()) {
                start = i;
            }
        }
        String needs = env + " takes digests that were live in " + prev + " for " + human(soak);
        if (start < 0) {
            return GateResult.refuse(NAME, digest.shortForm() + " was never live in " + prev + ", so it has not soaked"
                    + " there: " + needs + "; promote it to " + prev + " first");
        }
        LedgerEntry from = entries.get(start);
        LedgerEntry until = null;
        for (LedgerEntry e : entries.subList(start + 1, entries.size())) {
            if (e.action() == Action.ROLLBACK && e.outcome().makesLive() && digest.equals(e.previousDigest())) {
                return GateResult.refuse(NAME, prev + " was rolled back from " + digest.shortForm() + " (entry #"
                        + e.sequence() + " at " + e.time() + " by " + e.actor() + (e.reason() == null ? ""
                        : ": " + e.reason()) + ") after " + human(Duration.between(from.time(), e.time()))
                        + " live there: it did not prove itself; promote it to " + prev + " again if it was not at"
                        + " fault");
            }
            if (e.outcome() == Outcome.FAILED && digest.equals(e.digest())) {
                return GateResult.refuse(NAME, digest.shortForm() + " failed in " + prev + " (entry #" + e.sequence()
                        + " at " + e.time() + (e.reason() == null ? "" : ": " + e.reason()) + "): it did not prove"
                        + " itself; promote it to " + prev + " again and let it soak there");
            }
            if (until == null && e.outcome().makesLive()) {
                until = e;
            }
        }
        Instant now = clock.instant();
        Instant end = until == null ? now : until.time();
        Duration lived = Duration.between(from.time(), end);
        String since = " (since " + from.time() + ", entry #" + from.sequence() + ")";
        if (lived.compareTo(soak) >= 0) {
            return GateResult.pass(NAME, "live in " + prev + " for " + human(lived) + (until == null ? since
                    : " (from " + from.time() + " to " + until.time() + ", entries #" + from.sequence() + " to #"
                    + until.sequence() + ")") + ", at least " + human(soak));
        }
        if (until != null) {
            return GateResult.refuse(NAME, digest.shortForm() + " was live in " + prev + " only " + human(lived)
                    + " (from " + from.time() + " until entry #" + until.sequence() + " replaced it with "
                    + until.digest().shortForm() + " at " + until.time() + "): " + needs
                    + "; promote it to " + prev + " again to let it soak");
        }
        // rounded up, so that what is left is never undercounted
        Duration left = soak.minus(lived).plusNanos(999_999_999).withNanos(0);
        return GateResult.refuse(NAME, digest.shortForm() + " has been live in " + prev + " for " + human(lived)
                + since + ": " + needs + ", so " + human(left) + " is left; promote it after "
                + from.time().plus(soak));
    }

    /** {@code 29m 59s}, {@code 2h 0m 5s}, {@code 45s}: whole seconds, cut down. */
    static String human(Duration d) {
        long s = d.getSeconds();
        long h = s / 3600;
        long m = s % 3600 / 60;
        long sec = s % 60;
        return h > 0 ? h + "h " + m + "m " + sec + "s" : m > 0 ? m + "m " + sec + "s" : sec + "s";
    }
}
