package io.jenkins.plugins.immutable.config;

import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.scan.IgnoreRule;
import io.jenkins.plugins.immutable.scan.Policy;
import io.jenkins.plugins.immutable.scan.Severity;
import java.io.Serializable;
import java.time.LocalDate;
import java.util.List;
import java.util.Locale;

/**
 * Scan defaults.
 *
 * @param database          directory or zip of OSV JSON files
 * @param failOn            critical, high, medium, low, or none (report only); default high
 * @param failOnFixableOnly only findings with a fixed version count against {@code failOn}
 * @param ignore            the ignore list
 * @param acceptIncomplete  a scan that skipped content (a package database over its limit, an archive nested too
 *                          deep) passes when its findings do; by default it does not, since a finding may hide there
 */
public record ScanConfig(String database, String failOn, boolean failOnFixableOnly, List<IgnoreConfig> ignore,
        boolean acceptIncomplete) implements Serializable {

    private static final long serialVersionUID = 1L;

    public static final ScanConfig DEFAULTS = new ScanConfig(null, "high", false, List.of(), false);

    public ScanConfig {
        database = Text.optional(database);
        failOn = Text.optional(failOn) == null ? "high" : failOn.strip().toLowerCase(Locale.ROOT);
        ignore = Text.list(ignore, "ignore");
        String given = failOn;
        Text.in("failOn", () -> severity(given));
    }

    /** Settings that refuse an incomplete scan. */
    public ScanConfig(String database, String failOn, boolean failOnFixableOnly, List<IgnoreConfig> ignore) {
        this(database, failOn, failOnFixableOnly, ignore, false);
    }

    /** The engine's policy for these settings. */
    public Policy policy() {
        return new Policy(severity(failOn), failOnFixableOnly,
                ignore.stream().map(i -> new IgnoreRule(i.id(), i.packageName(), i.reason(), i.expires())).toList(),
                acceptIncomplete);
    }

    private static Severity severity(String failOn) {
        if (failOn.equals("none")) {
            return null;
        }
        for (Severity s : Severity.values()) {
            if (s.name().equalsIgnoreCase(failOn)) {
                return s;
            }
        }
        throw EngineException.badInput("failOn '" + failOn + "' is not a severity; use critical, high, medium, low"
                + " or none");
    }

    /** An ignored vulnerability, optionally for one package only, until an expiry date. */
    public record IgnoreConfig(String id, String packageName, String reason, LocalDate expires) implements Serializable {

        private static final long serialVersionUID = 1L;

        public IgnoreConfig {
            id = Text.required(id, "id", "an ignore entry needs the vulnerability id (CVE-..., GHSA-...)");
            packageName = Text.optional(packageName);
            reason = Text.required(reason, "reason", "say why " + id + " is ignored; the report shows it");
        }
    }
}
