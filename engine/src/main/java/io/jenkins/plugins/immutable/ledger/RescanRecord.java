package io.jenkins.plugins.immutable.ledger;

import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.image.Digest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * What a re-scan found in one environment, as a {@link Action#RESCAN} entry records it: the environment's verdict,
 * each digest it re-scanned for the environment with its roles, verdict and counts by severity, and the vulnerability
 * database it was judged against.
 *
 * @param status   the environment's verdict: its live digest passes, is at risk, could not be scanned, or nothing is
 *                 live
 * @param live     the live digest, null when nothing is live
 * @param digests  the digests re-scanned for the environment, the live one first
 * @param database the vulnerability database's state, null when not known
 */
public record RescanRecord(Status status, Digest live, List<ScannedDigest> digests, Database database)
        implements Observation {

    /** How the environment's live digest stood after the re-scan. */
    public enum Status {
        PASSING("passing"), AT_RISK("at-risk"), UNKNOWN("unknown"), NOTHING_LIVE("nothing-live");

        private final String label;

        Status(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }

        static Status ofLabel(String label) {
            for (Status s : values()) {
                if (s.label.equals(label)) {
                    return s;
                }
            }
            throw EngineException.integrity("a rescan entry names an unknown status '" + label + "'; expected"
                    + " passing, at-risk, unknown or nothing-live");
        }

        @Override
        public String toString() {
            return label;
        }
    }

    /** Findings that count (not ignored), by severity. */
    public record Counts(int critical, int high, int medium, int low, int unknown) {

        /** {@code 1 high, 2 low}, or {@code no findings}. */
        @Override
        public String toString() {
            List<String> parts = new ArrayList<>();
            int[] n = {critical, high, medium, low, unknown};
            String[] names = {"critical", "high", "medium", "low", "unknown"};
            for (int i = 0; i < n.length; i++) {
                if (n[i] > 0) {
                    parts.add(n[i] + " " + names[i]);
                }
            }
            return parts.isEmpty() ? "no findings" : String.join(", ", parts);
        }
    }

    /**
     * One digest's re-scan, for this environment.
     *
     * @param roles     why it was re-scanned here: {@code live}, {@code retained}, {@code rollback candidate}
     * @param verdict   {@code passed}, {@code failed}, {@code incomplete} (the scan's verdict), or {@code not scanned}
     * @param counts    its findings by severity; null when not scanned
     * @param scannedOn when its scan finished; null when not scanned
     * @param note      the policy's reasons when it fails, why it could not be scanned; else null
     */
    public record ScannedDigest(Digest digest, List<String> roles, String verdict, Counts counts, Instant scannedOn,
            String note) {

        public static final String NOT_SCANNED = "not scanned";

        public ScannedDigest {
            Objects.requireNonNull(digest, "digest");
            roles = List.copyOf(roles);
            Objects.requireNonNull(verdict, "verdict");
            if (NOT_SCANNED.equals(verdict) != (counts == null)) {
                throw new IllegalArgumentException("a digest re-scanned has counts, and one not scanned has none");
            }
            note = Event.capped(note);
        }

        /** What makes two re-scans of the digest the same: roles, verdict, counts (not the date, nor the wording). */
        boolean sameAs(ScannedDigest o) {
            return digest.equals(o.digest) && roles.equals(o.roles) && verdict.equals(o.verdict)
                    && Objects.equals(counts, o.counts);
        }

        @Override
        public String toString() {
            return digest.shortForm() + " (" + String.join(", ", roles) + ") " + verdict
                    + (counts == null ? "" : ", " + counts);
        }
    }

    /**
     * The vulnerability database's state: its version and date, as far as it says.
     *
     * @param fingerprint    identifies the database's content (changes with every refresh)
     * @param records        how many advisories it holds
     * @param newestModified the newest advisory's modification time: the database's date; null when none says
     */
    public record Database(String fingerprint, int records, String newestModified) {
    }

    public RescanRecord {
        Objects.requireNonNull(status, "status");
        if ((live == null) != (status == Status.NOTHING_LIVE)) {
            throw new IllegalArgumentException("a rescan names the live digest unless nothing is live");
        }
        digests = List.copyOf(digests);
    }

    @Override
    public Action action() {
        return Action.RESCAN;
    }

    /** The same verdict, and the same digests with the same roles, verdicts and counts; dates and database aside. */
    @Override
    public boolean sameFindings(Observation other) {
        if (!(other instanceof RescanRecord r) || status != r.status || !Objects.equals(live, r.live)
                || digests.size() != r.digests.size()) {
            return false;
        }
        for (int i = 0; i < digests.size(); i++) {
            if (!digests.get(i).sameAs(r.digests.get(i))) {
                return false;
            }
        }
        return true;
    }

    /** The environment's verdict: {@code passing}, {@code at-risk}, {@code unknown} or {@code nothing-live}. */
    @Override
    public String finding() {
        return status.label();
    }

    @Override
    public String summary() {
        return status + (digests.isEmpty() ? "" : ": " + digests.stream().map(ScannedDigest::toString)
                .collect(Collectors.joining("; "))) + (database == null || database.newestModified() == null ? ""
                : "; database of " + database.newestModified());
    }
}
