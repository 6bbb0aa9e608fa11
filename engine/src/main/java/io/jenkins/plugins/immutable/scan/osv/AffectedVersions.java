package io.jenkins.plugins.immutable.scan.osv;

import io.jenkins.plugins.immutable.scan.version.InvalidVersionException;
import io.jenkins.plugins.immutable.scan.version.VersionScheme;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Whether a version of a package is affected, by the OSV schema's evaluation: a version listed in {@code versions}
 * is affected; so is one inside any {@code ECOSYSTEM} or {@code SEMVER} range, where the range's events, sorted by
 * version ({@code introduced: "0"} first), switch the state: {@code introduced <= v} turns it on, {@code fixed <= v}
 * and {@code last_affected < v} turn it off, and {@code limit} events (if any) bound the range above. {@code GIT}
 * ranges need the repository's history, so only their {@code versions} list counts.
 */
public final class AffectedVersions {

    /** Why a version is affected, and the version that fixes it when the record names one. */
    public record Match(String fixedVersion, String evidence) {
    }

    private AffectedVersions() {
    }

    /**
     * Evaluates one affected entry for a version.
     *
     * @param ecosystemOrder the ecosystem's ordering, for {@code ECOSYSTEM} ranges
     * @param semverOrder the ordering for {@code SEMVER} ranges (SemVer 2.0; Go's for Go modules)
     * @throws InvalidVersionException when the version or an event cannot be ordered by the scheme
     */
    public static Optional<Match> match(OsvRecord.Affected affected, String version, VersionScheme ecosystemOrder,
            VersionScheme semverOrder) {
        String listed = affected.versions().contains(version) ? "version " + version + " is listed as affected" : null;
        for (OsvRecord.Range range : affected.ranges()) {
            VersionScheme order = switch (range.type()) {
                case "ECOSYSTEM" -> ecosystemOrder;
                case "SEMVER" -> semverOrder;
                default -> null;
            };
            if (order == null) {
                continue;
            }
            Optional<Match> inRange = inRange(range, version, order);
            if (inRange.isPresent()) {
                return inRange;
            }
        }
        if (listed != null) {
            return Optional.of(new Match(fixedAfter(affected, version, ecosystemOrder, semverOrder), listed));
        }
        return Optional.empty();
    }

    private static Optional<Match> inRange(OsvRecord.Range range, String version, VersionScheme order) {
        List<OsvRecord.Event> events = new ArrayList<>(range.events());
        boolean hasLimit = events.stream().anyMatch(e -> e.kind() == OsvRecord.Event.Kind.LIMIT);
        if (hasLimit && events.stream().noneMatch(e -> e.kind() == OsvRecord.Event.Kind.LIMIT
                && (e.version().contains("*") || order.compare(version, e.version()) < 0))) {
            return Optional.empty();
        }
        events.removeIf(e -> e.kind() == OsvRecord.Event.Kind.LIMIT);
        events.sort(Comparator.comparing(OsvRecord.Event::version, (a, b) -> compareEventVersions(a, b, order)));
        boolean vulnerable = false;
        OsvRecord.Event opened = null;
        for (OsvRecord.Event e : events) {
            switch (e.kind()) {
                case INTRODUCED -> {
                    if (isZero(e.version()) || order.compare(version, e.version()) >= 0) {
                        vulnerable = true;
                        opened = e;
                    }
                }
                case FIXED -> {
                    if (order.compare(version, e.version()) >= 0) {
                        vulnerable = false;
                    }
                }
                case LAST_AFFECTED -> {
                    if (order.compare(version, e.version()) > 0) {
                        vulnerable = false;
                    }
                }
                default -> {
                }
            }
        }
        if (!vulnerable) {
            return Optional.empty();
        }
        String fixed = null;
        String ceiling = null;
        for (OsvRecord.Event e : events) {
            if (e.kind() == OsvRecord.Event.Kind.FIXED && order.compare(version, e.version()) < 0) {
                fixed = e.version();
                break;
            }
            if (e.kind() == OsvRecord.Event.Kind.LAST_AFFECTED && order.compare(version, e.version()) <= 0) {
                ceiling = e.version();
                break;
            }
        }
        String evidence = range.type() + " range introduced " + (opened == null ? "0" : opened.version())
                + (fixed != null ? ", fixed " + fixed : ceiling != null ? ", last affected " + ceiling : ", not fixed");
        return Optional.of(new Match(fixed, evidence));
    }

    private static String fixedAfter(OsvRecord.Affected affected, String version, VersionScheme ecosystemOrder,
            VersionScheme semverOrder) {
        for (OsvRecord.Range range : affected.ranges()) {
            VersionScheme order = range.type().equals("SEMVER") ? semverOrder
                    : range.type().equals("ECOSYSTEM") ? ecosystemOrder : null;
            if (order == null) {
                continue;
            }
            for (OsvRecord.Event e : range.events()) {
                if (e.kind() == OsvRecord.Event.Kind.FIXED && order.compare(version, e.version()) < 0) {
                    return e.version();
                }
            }
        }
        return null;
    }

    private static boolean isZero(String version) {
        return version.equals("0");
    }

    /** The schema's sort: {@code "0"} before any version, otherwise the range's ordering. */
    private static int compareEventVersions(String a, String b, VersionScheme order) {
        if (isZero(a) || isZero(b)) {
            return isZero(a) ? (isZero(b) ? 0 : -1) : 1;
        }
        return order.compare(a, b);
    }
}
