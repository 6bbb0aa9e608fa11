package io.jenkins.plugins.immutable.promote;

import io.jenkins.plugins.immutable.ProgressListener;
import io.jenkins.plugins.immutable.image.Digest;
import io.jenkins.plugins.immutable.image.ImageReference;
import io.jenkins.plugins.immutable.ledger.Action;
import io.jenkins.plugins.immutable.ledger.LedgerHistory;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * What a gate looks at: the candidate digest, where it comes from, and the environments' verified ledgers.
 *
 * @param action    promotion or rollback
 * @param image     the candidate, pinned: in an upstream environment's (or the build's) repository for a promotion, in
 *                  the environment's own repository for a rollback
 * @param environment the environment the digest is to enter
 * @param upstreams the environments it takes digests from, with their ledgers, in the order configured; empty when
 *                  it takes them straight from builds, and for a rollback (which returns to its own history)
 * @param requires  whether the digest must have come through all of the upstream environments or any one
 * @param history   the environment's ledger
 * @param actor     who asks
 * @param listener  where gates report what they check
 */
public record GateContext(Action action, ImageReference image, Environment environment, List<UpstreamLedger> upstreams,
        Upstream.Requires requires, LedgerHistory history, String actor, ProgressListener listener) {

    /** An upstream environment and its verified ledger. */
    public record UpstreamLedger(Environment environment, LedgerHistory history) {
        public UpstreamLedger {
            Objects.requireNonNull(environment, "environment");
            Objects.requireNonNull(history, "history");
        }

        public String name() {
            return environment.name();
        }
    }

    public GateContext {
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(image, "image");
        if (!image.isPinned()) {
            throw new IllegalArgumentException("gates check pinned references only, not " + image);
        }
        Objects.requireNonNull(environment, "environment");
        Objects.requireNonNull(history, "history");
        upstreams = upstreams == null ? List.of() : List.copyOf(upstreams);
        requires = requires == null ? Upstream.Requires.ALL : requires;
        listener = listener == null ? ProgressListener.NONE : listener;
    }

    /** A rollback's context: it returns to the environment's own history, so nothing upstream is read. */
    public static GateContext rollback(ImageReference image, Environment environment, LedgerHistory history,
            String actor, ProgressListener listener) {
        return new GateContext(Action.ROLLBACK, image, environment, List.of(), Upstream.Requires.ALL, history, actor,
                listener);
    }

    public Digest digest() {
        return image.digest();
    }

    /**
     * Runs a gate's check against each upstream environment and decides as {@link #requires()} says: with one upstream
     * its result is the gate's; with several, {@code all} passes when each passes and {@code any} when one does. A
     * refusal names every upstream environment and what it said, so the reader sees what each lacks.
     *
     * @param gate     the gate's name
     * @param noneMessage the pass message when nothing is upstream (a first environment)
     * @param check    the check against one upstream environment
     */
    public GateResult acrossUpstreams(String gate, String noneMessage, Function<UpstreamLedger, GateResult> check) {
        if (upstreams.isEmpty()) {
            return GateResult.pass(gate, noneMessage);
        }
        if (upstreams.size() == 1) {
            return check.apply(upstreams.get(0));
        }
        List<String> passed = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        List<String> all = new ArrayList<>();
        for (UpstreamLedger u : upstreams) {
            GateResult r = check.apply(u);
            (r.passed() ? passed : refused).add(u.name() + ": " + r.message());
            all.add(u.name() + ": " + (r.passed() ? "passed, " : "") + r.message());
        }
        String names = upstreams.stream().map(UpstreamLedger::name).collect(Collectors.joining(", "));
        String env = environment.name();
        if (requires == Upstream.Requires.ANY) {
            if (!passed.isEmpty()) {
                return GateResult.pass(gate, "through " + passed.size() + " of " + upstreams.size() + " upstream"
                        + " environments (" + env + " requires any of " + names + "): " + String.join("; ", passed));
            }
            return GateResult.refuse(gate, env + " takes digests that came through any one of " + names
                    + " (requires: any), and none of them will do: " + String.join("; ", all));
        }
        if (refused.isEmpty()) {
            return GateResult.pass(gate, "through every upstream environment (" + env + " requires all of " + names
                    + "): " + String.join("; ", passed));
        }
        return GateResult.refuse(gate, env + " takes digests that came through every one of " + names
                + " (requires: all), and " + refused.size() + " of them will not do: " + String.join("; ", all));
    }
}
