package io.jenkins.plugins.immutable.scan;

import io.jenkins.plugins.immutable.EngineException;
import java.time.LocalDate;

/**
 * A decision not to count a vulnerability (VEX-like: not affected, accepted risk, fix scheduled), with a reason and an
 * expiry, so an exception granted today is reviewed rather than forgotten. After its expiry date the rule no longer
 * applies, and the report lists it as expired.
 *
 * @param id the vulnerability id or any of its aliases ({@code CVE-2021-44228}, {@code GHSA-jfh8-c2jp-5v3q})
 * @param packageName the package it is limited to (a name or a purl prefix); null for every package
 * @param reason why, as the report shows it
 * @param expires the last day the rule applies; null for no expiry
 */
public record IgnoreRule(String id, String packageName, String reason, LocalDate expires) {

    public IgnoreRule {
        if (id == null || id.isBlank()) {
            throw EngineException.badInput("an ignore rule needs the id of the vulnerability it ignores");
        }
        if (reason == null || reason.isBlank()) {
            throw EngineException.badInput("the ignore rule for " + id + " needs a reason, so the report can say why");
        }
        id = id.strip();
        packageName = packageName == null || packageName.isBlank() ? null : packageName.strip();
    }

    /** Whether the rule names this finding: its id or an alias, and its package when the rule names one. */
    public boolean matches(Finding f) {
        boolean idMatches = f.id().equalsIgnoreCase(id) || f.aliases().stream().anyMatch(a -> a.equalsIgnoreCase(id));
        if (!idMatches) {
            return false;
        }
        return packageName == null || packageName.equals(f.pkg().name())
                || (f.pkg().purl() != null && f.pkg().purl().startsWith(packageName));
    }

    /** True from the day after {@code expires}. */
    public boolean isExpired(LocalDate today) {
        return expires != null && today.isAfter(expires);
    }
}
