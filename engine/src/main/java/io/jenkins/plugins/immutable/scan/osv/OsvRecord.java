package io.jenkins.plugins.immutable.scan.osv;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The parts of an OSV record (ossf/osv-schema 1.6) the scanner uses: identity, aliases, text, severities (the
 * record's and each affected package's), the affected packages with their ranges and version lists, and where to
 * read more. Severity entries keep their schema type ({@code CVSS_V3}, {@code CVSS_V4}, {@code Ubuntu}) and score;
 * {@code databaseSeverity} is the word some databases add ({@code database_specific.severity}: GitHub's
 * {@code MODERATE}, {@code HIGH}).
 */
public record OsvRecord(String id, String modified, String withdrawn, List<String> aliases, String summary,
        String details, List<SeverityEntry> severity, String databaseSeverity, List<Affected> affected,
        List<String> references) {

    public OsvRecord {
        aliases = List.copyOf(aliases);
        severity = List.copyOf(severity);
        affected = List.copyOf(affected);
        references = List.copyOf(references);
    }

    /** {@code {"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/..."}}. */
    public record SeverityEntry(String type, String score) {
    }

    /** One affected package and the versions of it that are vulnerable. */
    public record Affected(String ecosystem, String name, String purl, List<Range> ranges, Set<String> versions,
            List<SeverityEntry> severity, String specificSeverity) {

        public Affected {
            ranges = List.copyOf(ranges);
            versions = Set.copyOf(versions);
            severity = List.copyOf(severity);
        }
    }

    /** A range of type {@code ECOSYSTEM}, {@code SEMVER} or {@code GIT}, as a timeline of events. */
    public record Range(String type, List<Event> events) {
        public Range {
            events = List.copyOf(events);
        }
    }

    /** One event: {@code introduced}, {@code fixed}, {@code last_affected} or {@code limit}, with its version. */
    public record Event(Kind kind, String version) {
        public enum Kind { INTRODUCED, FIXED, LAST_AFFECTED, LIMIT }

        static final Map<String, Kind> BY_FIELD = Map.of("introduced", Kind.INTRODUCED, "fixed", Kind.FIXED,
                "last_affected", Kind.LAST_AFFECTED, "limit", Kind.LIMIT);
    }

    public boolean isWithdrawn() {
        return withdrawn != null && !withdrawn.isEmpty();
    }
}
