package io.jenkins.plugins.immutable.scan;

import io.jenkins.plugins.immutable.scan.catalog.InstalledPackage;
import java.util.List;

/**
 * A vulnerability found in a package of the image.
 *
 * @param id the advisory's id ({@code GHSA-...}, {@code DSA-...}, {@code CVE-...})
 * @param aliases its other ids
 * @param summary one line about it
 * @param severity from the database's own word when it gives one, else from the CVSS v3 base score
 * @param cvssScore the CVSS v3 base score computed from the record's vector; null without one
 * @param cvssVector that vector
 * @param pkg the affected package as found
 * @param fixedVersion the version that fixes it, when the record names one
 * @param evidence why the version matched (the range or list that holds it)
 * @param source where to read more (the advisory's first reference)
 * @param ignoredBy the ignore rule that applies, null when the finding counts
 */
public record Finding(String id, List<String> aliases, String summary, Severity severity, Double cvssScore,
        String cvssVector, InstalledPackage pkg, String fixedVersion, String evidence, String source,
        IgnoreRule ignoredBy) {

    public Finding {
        aliases = List.copyOf(aliases);
    }

    public boolean fixAvailable() {
        return fixedVersion != null && !fixedVersion.isEmpty();
    }

    public boolean isIgnored() {
        return ignoredBy != null;
    }

    Finding ignoredBy(IgnoreRule rule) {
        return new Finding(id, aliases, summary, severity, cvssScore, cvssVector, pkg, fixedVersion, evidence, source,
                rule);
    }
}
