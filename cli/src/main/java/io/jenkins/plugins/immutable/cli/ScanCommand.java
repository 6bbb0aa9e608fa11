package io.jenkins.plugins.immutable.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.attest.AttestResult;
import io.jenkins.plugins.immutable.attest.Attestor;
import io.jenkins.plugins.immutable.attest.PredicateTypes;
import io.jenkins.plugins.immutable.attest.Statement;
import io.jenkins.plugins.immutable.attest.Subject;
import io.jenkins.plugins.immutable.bake.Provenance;
import io.jenkins.plugins.immutable.config.DeliveryConfig;
import io.jenkins.plugins.immutable.config.ScanConfig;
import io.jenkins.plugins.immutable.image.Digest;
import io.jenkins.plugins.immutable.image.ImageReference;
import io.jenkins.plugins.immutable.image.Platform;
import io.jenkins.plugins.immutable.registry.RegistryClient;
import io.jenkins.plugins.immutable.scan.Finding;
import io.jenkins.plugins.immutable.scan.ScanOutputs;
import io.jenkins.plugins.immutable.scan.ScanReport;
import io.jenkins.plugins.immutable.scan.Verdict;
import io.jenkins.plugins.immutable.scan.catalog.Skipped;
import io.jenkins.plugins.immutable.sign.SigningKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code immutable scan}: find an image's packages, match them against an OSV database, enforce the policy. */
@Command(name = "scan", mixinStandardHelpOptions = true,
        description = {"Scan an image in a registry: catalog its packages (dpkg, apk, Java archives, npm, Python,"
            + " Go), match them against an offline OSV database, and judge the findings by the policy (scan.failOn,"
            + " failOnFixableOnly, ignore).",
            "With --attest, sign the report as cosign's vuln attestation, which promotion's scan gate reads.",
            "A scan that skipped content (a package database over its limit, an archive nested too deep) is"
            + " INCOMPLETE and fails the policy unless it is accepted (--accept-incomplete, scan.acceptIncomplete).",
            "Exit 0 when the policy passes, 3 when it fails or the scan is incomplete."})
final class ScanCommand extends EngineCommand {

    @Parameters(index = "0", paramLabel = "IMAGE", description = "The image: registry/repository@sha256:... or :tag.")
    String image;

    @Option(names = "--db", paramLabel = "PATH",
            description = "The OSV database: a directory or zip of OSV JSON files (overrides scan.database).")
    Path database;

    @Option(names = "--fail-on", paramLabel = "SEVERITY",
            description = "Fail at this severity or above: critical, high, medium, low, none (overrides scan.failOn).")
    String failOn;

    @Option(names = "--fixable-only", description = "Only findings with a fixed version count against --fail-on.")
    Boolean fixableOnly;

    @Option(names = "--accept-incomplete", description = "Let a scan that skipped content pass when its findings do"
            + " (overrides scan.acceptIncomplete); what was skipped is still reported.")
    Boolean acceptIncomplete;

    @Option(names = "--ignore", paramLabel = "ID=REASON",
            description = "Ignore a vulnerability id or alias, with the reason the report shows; repeatable.")
    Map<String, String> ignores = new LinkedHashMap<>();

    @Option(names = "--platform", paramLabel = "OS/ARCH",
            description = "The platform to scan in a multi-platform image (default: this machine's).")
    String platform;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Also write the report to FILE.")
    Path output;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "json",
            description = "The format of --output: json (the report), sarif, cyclonedx.")
    String format;

    @Option(names = "--attest", description = "Sign the report and attach it to the image (cosign vuln attestation).")
    boolean attest;

    @Option(names = {"-k", "--key"}, paramLabel = "KEY",
            description = "The key --attest signs with: a signing key id, or a cosign key file.")
    String key;

    @Override
    int run(Session session) throws IOException {
        session.override(this::withFlags);
        ImageReference ref = ImageReference.parse(image);
        RegistryClient client = session.wiring().registry();
        ScanReport report = session.wiring().scanner().scan(client, ref,
                platform == null ? null : Platform.parse(platform), session.wiring().scanPolicy());
        if (output != null) {
            Path file = session.path(output);
            String text = switch (format.toLowerCase()) {
                case "json" -> ScanOutputs.json(report);
                case "sarif" -> ScanOutputs.sarif(report);
                case "cyclonedx" -> ScanOutputs.cycloneDx(report);
                default -> throw EngineException.badInput("--format " + format + " is not one of json, sarif,"
                        + " cyclonedx");
            };
            Files.writeString(file, text, StandardCharsets.UTF_8);
            session.output().line("wrote the report (" + format + ") to " + file);
        }
        AttestResult attested = null;
        if (attest) {
            attested = attest(session, client, report);
        }
        ObjectNode json = Output.object();
        json.put("image", report.image());
        json.put("digest", report.digest());
        json.put("passed", report.passed());
        json.put("verdict", report.verdict().name());
        json.put("summary", report.summary());
        if (attested != null) {
            json.put("attestation", attested.attestationTag() == null ? attested.image().toString()
                    : attested.attestationTag().toString());
        }
        json.set("report", Output.tree(ScanOutputs.json(report)));
        session.output().result(json, human(report, attested));
        if (report.verdict() == Verdict.INCOMPLETE) {
            throw EngineException.refused("the scan of " + report.image() + " is incomplete: "
                    + String.join("; ", report.reasons()));
        }
        if (!report.passed()) {
            throw EngineException.refused("the scan of " + report.image() + " failed its policy: "
                    + String.join("; ", report.reasons()) + ". Fix the image (or ignore a finding with a reason,"
                    + " --ignore ID=REASON or scan.ignore) and scan again");
        }
        return 0;
    }

    private DeliveryConfig withFlags(DeliveryConfig c) {
        ScanConfig s = c.scan();
        List<ScanConfig.IgnoreConfig> ignore = new ArrayList<>(s.ignore());
        ignores.forEach((id, reason) -> ignore.add(new ScanConfig.IgnoreConfig(id, null, reason, null)));
        ScanConfig scan = new ScanConfig(database != null ? database.toString() : s.database(),
                failOn != null ? failOn : s.failOn(), fixableOnly != null ? fixableOnly : s.failOnFixableOnly(),
                ignore, acceptIncomplete != null ? acceptIncomplete : s.acceptIncomplete());
        return c.withScan(scan);
    }

    private AttestResult attest(Session session, RegistryClient client, ScanReport report) {
        try (SigningKey signingKey = session.signingKey(key)) {
            return new Attestor(client).withListener(session.output()).attest(pinned(report), statement(report),
                    signingKey);
        }
    }

    /** The scanned image, pinned by the digest the report names. */
    static ImageReference pinned(ScanReport report) {
        return ImageReference.parse(report.image()).withDigest(Digest.parse(report.digest()));
    }

    /** cosign's vuln attestation of the report, which promotion's scan gate reads back. */
    static Statement statement(ScanReport report) {
        ImageReference pinned = pinned(report);
        String predicate = ScanOutputs.vulnPredicate(report, new ScanOutputs.Invocation(
                Map.of("image", pinned.toString()), "", UUID.randomUUID().toString(), Provenance.CLI_BUILDER_ID));
        return Statement.about(Subject.of(pinned.repository().toString(), pinned.digest()),
                PredicateTypes.COSIGN_VULN_V1, Output.tree(predicate));
    }

    static String human(ScanReport report, AttestResult attested) {
        StringBuilder s = new StringBuilder();
        s.append("Scanned ").append(report.image()).append(report.os() == null ? "" : " (" + report.os() + ")")
                .append('\n');
        List<Finding> findings = new ArrayList<>(report.findings());
        findings.sort(Comparator.comparing(Finding::severity).reversed().thenComparing(Finding::id));
        if (!findings.isEmpty()) {
            Table t = new Table("SEVERITY", "ID", "PACKAGE", "VERSION", "FIXED IN", "");
            for (Finding f : findings) {
                t.row(f.severity().name(), f.id(), f.pkg().name(), f.pkg().version(),
                        f.fixAvailable() ? f.fixedVersion() : "-",
                        f.isIgnored() ? "ignored: " + f.ignoredBy().reason() : "");
            }
            s.append(t).append('\n');
        }
        for (String w : report.warnings()) {
            s.append("warning: ").append(w).append('\n');
        }
        for (Skipped skipped : report.skipped()) {
            s.append("not read: ").append(skipped).append('\n');
        }
        s.append(report.summary());
        for (String r : report.reasons()) {
            s.append("\n  ").append(r);
        }
        if (attested != null) {
            s.append("\nAttested the report to ").append(attested.image());
        }
        return s.toString();
    }
}
