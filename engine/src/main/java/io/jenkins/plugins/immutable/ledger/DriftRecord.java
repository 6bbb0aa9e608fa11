package io.jenkins.plugins.immutable.ledger;

import io.jenkins.plugins.immutable.image.Digest;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * What a drift check found, as a {@link Action#DRIFT} entry records it: the digest the ledger said should run, and
 * every difference between that and what ran (none when the environment was clean).
 *
 * @param expected    the live digest the check compared with
 * @param differences what differed, as the check words it; empty when clean
 */
public record DriftRecord(Digest expected, List<Difference> differences) implements Observation {

    /** The kind a drift check gives an unfinished deployment: differences are expected until it finishes. */
    public static final String DEPLOYMENT_UNFINISHED = "DEPLOYMENT_UNFINISHED";

    /**
     * One difference.
     *
     * @param kind    what kind (the drift check's kinds: WRONG_DIGEST, UNMANAGED, SWAPPED, NOT_RUNNING, LEFTOVER, COUNT,
     *                ROUTED_ELSEWHERE, DEPLOYMENT_UNFINISHED)
     * @param subject the instance, router server or environment concerned
     * @param detail  what differs, in a sentence
     */
    public record Difference(String kind, String subject, String detail) {
        public Difference {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(subject, "subject");
            detail = Event.capped(detail);
        }
    }

    public DriftRecord {
        Objects.requireNonNull(expected, "expected: a drift check compares with the live digest; with nothing live"
                + " there is nothing to check");
        differences = List.copyOf(differences);
    }

    @Override
    public Action action() {
        return Action.DRIFT;
    }

    @Override
    public Digest live() {
        return expected;
    }

    public boolean clean() {
        return differences.isEmpty();
    }

    /**
     * True when the check found a deployment under way or interrupted: what runs is in between, so the check says
     * nothing yet about drift (the metrics neither open nor close a drift incident on it).
     */
    public boolean deploymentUnderway() {
        return differences.stream().anyMatch(d -> DEPLOYMENT_UNFINISHED.equals(d.kind()));
    }

    /** The same digest expected and the same kinds of difference on the same subjects (details may word a time). */
    @Override
    public boolean sameFindings(Observation other) {
        return other instanceof DriftRecord d && expected.equals(d.expected)
                && differences.stream().map(x -> x.kind() + " " + x.subject()).collect(Collectors.toSet())
                        .equals(d.differences.stream().map(x -> x.kind() + " " + x.subject())
                                .collect(Collectors.toSet()));
    }

    /** {@code clean}, {@code drifted}, or {@code deployment under way}. */
    @Override
    public String finding() {
        return clean() ? "clean" : deploymentUnderway() ? "deployment under way" : "drifted";
    }

    @Override
    public String summary() {
        if (clean()) {
            return "clean: runs " + expected.shortForm() + " as the ledger says";
        }
        return finding() + " from " + expected.shortForm()
                + ": " + differences.size() + " difference" + (differences.size() == 1 ? "" : "s") + " ("
                + differences.stream().limit(3).map(d -> d.subject() + " " + d.kind().toLowerCase().replace('_', ' '))
                        .collect(Collectors.joining(", ")) + (differences.size() > 3 ? ", ..." : "") + ")";
    }
}
