package io.jenkins.plugins.immutable.actions;

import hudson.model.Run;
import io.jenkins.plugins.immutable.image.Digest;
import io.jenkins.plugins.immutable.scan.Finding;
import io.jenkins.plugins.immutable.scan.ScanOutputs;
import io.jenkins.plugins.immutable.scan.ScanReport;
import io.jenkins.plugins.immutable.scan.catalog.Skipped;
import io.jenkins.plugins.immutable.scan.Severity;
import java.io.IOException;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.kohsuke.stapler.StaplerResponse2;
import org.kohsuke.stapler.export.Exported;
import org.kohsuke.stapler.export.ExportedBean;
import org.kohsuke.stapler.verb.GET;

/**
 * One scan of an image: the verdict of the policy, the counts, the findings (a table sortable by severity), and the
 * report as JSON, CycloneDX SBOM and SARIF downloads. The report is kept as the engine's JSON, which it reads back.
 */
@ExportedBean
public final class ScanReportAction extends RunAttachedAction {

    private final String image;
    private final String digest;
    private final String report;
    private String attestation;
    private transient volatile ScanReport parsed;

    public ScanReportAction(ScanReport report, String attestation) {
        this.image = report.image();
        this.digest = report.digest();
        this.report = ScanOutputs.json(report);
        this.attestation = attestation;
        this.parsed = report;
    }

    /** Adds the report to the run, replacing an earlier scan of the same digest in this run. */
    public static synchronized ScanReportAction add(Run<?, ?> run, ScanReport report, String attestation)
            throws IOException {
        ScanReportAction action = new ScanReportAction(report, attestation);
        for (ScanReportAction old : run.getActions(ScanReportAction.class)) {
            if (Objects.equals(old.digest, action.digest)) {
                run.removeAction(old);
            }
        }
        run.addAction(action);
        run.save();
        return action;
    }

    @Override
    public String getIconFileName() {
        return "symbol-shield-warning";
    }

    @Override
    public String getDisplayName() {
        return Messages.ScanReportAction_DisplayName(shortDigest());
    }

    @Override
    public String getUrlName() {
        return "immutable-scan-" + (digest == null ? "image" : Digest.parse(digest).hex().substring(0, 12));
    }

    /** The report, read back from its JSON once. */
    public ScanReport getReport() {
        ScanReport r = parsed;
        if (r == null) {
            r = ScanOutputs.parseJson(report);
            parsed = r;
        }
        return r;
    }

    @Exported
    public String getImage() {
        return image;
    }

    @Exported
    public String getDigest() {
        return digest;
    }

    public String shortDigest() {
        return digest == null ? image : Digest.parse(digest).shortForm();
    }

    @Exported
    public boolean isPassed() {
        return getReport().passed();
    }

    /** PASS, FAIL, or INCOMPLETE (content the scan could not read, which the policy does not accept). */
    @Exported
    public String getVerdict() {
        return verdictWord(getReport());
    }

    /** The verdict as the step returns it and the page shows it. */
    public static String verdictWord(ScanReport report) {
        return switch (report.verdict()) {
            case PASSED -> "PASS";
            case FAILED -> "FAIL";
            case INCOMPLETE -> "INCOMPLETE";
        };
    }

    /** What the scan did not read, and why: findings may be missing there. */
    @Exported
    public List<Skipped> getNotRead() {
        return getReport().skipped();
    }

    /** Why the policy failed (and which ignore entries expired). */
    @Exported
    public List<String> getReasons() {
        return getReport().reasons();
    }

    @Exported
    public List<String> getWarnings() {
        return getReport().warnings();
    }

    /** Counted findings by severity, lower-case keys (critical .. unknown), plus ignored and total. */
    @Exported
    public Map<String, Integer> getCounts() {
        return counts(getReport());
    }

    /** The counts a Jenkinsfile gets back from {@code scanImage}. */
    public static Map<String, Integer> counts(ScanReport report) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        Map<Severity, Integer> by = report.countsBySeverity();
        for (Severity s : List.of(Severity.CRITICAL, Severity.HIGH, Severity.MEDIUM, Severity.LOW,
                Severity.UNKNOWN)) {
            counts.put(s.name().toLowerCase(Locale.ROOT), by.get(s));
        }
        int ignored = (int) report.findings().stream().filter(Finding::isIgnored).count();
        counts.put("ignored", ignored);
        counts.put("total", report.findings().size() - ignored);
        return counts;
    }

    @Exported
    public int getPackages() {
        return getReport().packages().size();
    }

    @Exported
    public String getOs() {
        return getReport().os() == null ? null : getReport().os().prettyName();
    }

    /** The cosign vuln attestation written for this report, or null. */
    @Exported
    public String getAttestation() {
        return attestation;
    }

    /** The findings, most severe first, for the table and the REST API. */
    @Exported(inline = true)
    public List<FindingRow> getFindings() {
        return getReport().findings().stream()
                .sorted(Comparator.comparing(Finding::severity).reversed().thenComparing(Finding::id))
                .map(FindingRow::new).toList();
    }

    @GET
    public void doJson(StaplerResponse2 rsp) throws IOException {
        Downloads.send(rsp, "application/json", "scan-" + fileStem() + ".json", report);
    }

    @GET
    public void doSbom(StaplerResponse2 rsp) throws IOException {
        Downloads.send(rsp, ScanOutputs.CYCLONEDX_MEDIA_TYPE, "sbom-" + fileStem() + ".cdx.json",
                ScanOutputs.cycloneDx(getReport()));
    }

    @GET
    public void doSarif(StaplerResponse2 rsp) throws IOException {
        Downloads.send(rsp, ScanOutputs.SARIF_MEDIA_TYPE, "scan-" + fileStem() + ".sarif",
                ScanOutputs.sarif(getReport()));
    }

    private String fileStem() {
        return digest == null ? "image" : Digest.parse(digest).hex().substring(0, 12);
    }

    /** One row of the findings table. */
    @ExportedBean(defaultVisibility = 2)
    public static final class FindingRow {

        private final Finding f;

        FindingRow(Finding f) {
            this.f = f;
        }

        @Exported
        public String getId() {
            return f.id();
        }

        @Exported
        public List<String> getAliases() {
            return f.aliases();
        }

        @Exported
        public String getSeverity() {
            return f.severity().name();
        }

        /** Sorts the table: CRITICAL highest. */
        public int getSeverityRank() {
            return f.severity().ordinal();
        }

        @Exported
        public Double getCvssScore() {
            return f.cvssScore();
        }

        @Exported
        public String getPackageName() {
            return f.pkg().name();
        }

        @Exported
        public String getVersion() {
            return f.pkg().version();
        }

        @Exported
        public String getPackageType() {
            return f.pkg().type().name();
        }

        @Exported
        public String getLocation() {
            return f.pkg().location();
        }

        @Exported
        public String getFixedVersion() {
            return f.fixAvailable() ? f.fixedVersion() : null;
        }

        @Exported
        public String getSummary() {
            return f.summary();
        }

        /** The advisory's URL when it is one (never rendered as a link otherwise). */
        @Exported
        public String getSource() {
            String s = f.source();
            return s != null && (s.startsWith("https://") || s.startsWith("http://")) ? s : null;
        }

        @Exported
        public String getIgnoredBecause() {
            return f.isIgnored() ? f.ignoredBy().reason() : null;
        }
    }
}
