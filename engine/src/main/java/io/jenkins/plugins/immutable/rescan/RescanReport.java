package io.jenkins.plugins.immutable.rescan;

import io.jenkins.plugins.immutable.scan.osv.OsvDatabase;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What one re-scan run found: every digest it scanned (once each) and each environment's risk.
 *
 * @param scans        one per digest, live ones first
 * @param environments one per environment, in the order asked
 * @param database     the vulnerability database scanned against (where, fingerprint, records, newest record)
 * @param layersRead   layer blobs read from a registry in this run
 * @param layersReused layers another image of the run had read already, replayed without fetching them again
 */
public record RescanReport(Instant started, Instant finished, OsvDatabase.Info database, List<DigestScan> scans,
        List<EnvironmentRisk> environments, long layersRead, long layersReused) {

    public RescanReport {
        Objects.requireNonNull(started, "started");
        Objects.requireNonNull(finished, "finished");
        scans = List.copyOf(scans);
        environments = List.copyOf(environments);
    }

    /** True when some environment's live digest fails its policy today. */
    public boolean atRisk() {
        return environments.stream().anyMatch(EnvironmentRisk::atRisk);
    }

    public List<EnvironmentRisk> atRiskEnvironments() {
        return environments.stream().filter(EnvironmentRisk::atRisk).toList();
    }

    /** The digests that could not be scanned. */
    public List<DigestScan> errors() {
        return scans.stream().filter(s -> s.error() != null).toList();
    }

    /** One line for logs and pages. */
    public String summary() {
        long failing = scans.stream().filter(DigestScan::fails).count();
        long risky = atRiskEnvironments().size();
        return "re-scanned " + scans.size() + " digest" + (scans.size() == 1 ? "" : "s") + " of "
                + environments.size() + " environment" + (environments.size() == 1 ? "" : "s") + ": " + failing
                + " fail their policy, " + errors().size() + " could not be scanned; "
                + (risky == 0 ? "nothing live is at risk" : risky + " environment" + (risky == 1 ? " is" : "s are")
                + " at risk " + atRiskEnvironments().stream().map(EnvironmentRisk::environment).toList())
                + " (" + layersRead + " layers read, " + layersReused + " reused)";
    }
}
