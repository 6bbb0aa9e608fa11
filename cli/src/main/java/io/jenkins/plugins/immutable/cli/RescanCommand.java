package io.jenkins.plugins.immutable.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.config.DeliveryConfig;
import io.jenkins.plugins.immutable.config.ScanConfig;
import io.jenkins.plugins.immutable.config.Wiring;
import io.jenkins.plugins.immutable.image.ImageReference;
import io.jenkins.plugins.immutable.ledger.LedgerLocation;
import io.jenkins.plugins.immutable.rescan.DigestScan;
import io.jenkins.plugins.immutable.rescan.EnvironmentRisk;
import io.jenkins.plugins.immutable.rescan.RescanReport;
import io.jenkins.plugins.immutable.rescan.Rescanner;
import io.jenkins.plugins.immutable.rescan.Use;
import io.jenkins.plugins.immutable.sign.SigningKey;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code immutable rescan}: scan again what the environments run or could return to, against today's database. */
@Command(name = "rescan", mixinStandardHelpOptions = true,
        description = {"Scan again, against the vulnerability database as it is now, every digest the environments"
            + " (or the named ones) run, retain in a blue-green deployment's idle colour, or could roll back to (their"
            + " last retention.keepLastGood known-good digests). Each digest is scanned once, and layers the images"
            + " share are read once.",
            "An environment whose live digest fails the scan policy today is AT RISK; a rollback candidate that fails"
            + " is withdrawn from rollback. With --attest, each result is signed as a scan attestation (dated) in"
            + " every repository holding the digest, where status, the scan gate and rollback read it.",
            "Each environment's result (its verdict, each digest with its roles and counts by severity, the database's"
            + " date) is recorded in its ledger as a rescan entry when it differs from the last one recorded there, or"
            + " that one is a week old; the entry changes nothing the environment may do.",
            "Exit 0 when nothing live is at risk, 3 when some environment's live digest fails its policy or could not"
            + " be scanned."})
final class RescanCommand extends EngineCommand {

    @Parameters(paramLabel = "ENVIRONMENT", arity = "0..*", description = "Environments to re-scan (default: all).")
    List<String> environments = new ArrayList<>();

    @Option(names = "--db", paramLabel = "PATH",
            description = "The OSV database: a directory or zip of OSV JSON files (overrides scan.database).")
    Path database;

    @Option(names = "--attest", description = "Sign each result and attach it to the image (cosign vuln"
            + " attestation) in every repository holding it.")
    boolean attest;

    @Option(names = {"-k", "--key"}, paramLabel = "KEY",
            description = "The key --attest signs with: a signing key id, or a cosign key file.")
    String key;

    @Option(names = "--no-record", description = "Record nothing in the ledgers (for a machine that may not write"
            + " them, or a ledger older readers still read).")
    boolean noRecord;

    @Override
    int run(Session session) {
        if (database != null) {
            session.override(this::withDatabase);
        }
        if (key != null && !attest) {
            throw EngineException.badInput("--key names the key --attest signs with; add --attest, or leave --key out");
        }
        Wiring w = session.wiring();
        List<LedgerLocation> where = new ArrayList<>();
        for (String name : session.environments(environments)) {
            where.add(w.ledgerLocation(name));
        }
        Rescanner rescanner = new Rescanner(w.registry(), w.ledger(), Clock.systemUTC(), session.output());
        if (!noRecord) {
            rescanner = rescanner.recordingAs(session.actor(), session.run());
        }
        int lastGood = w.config().retention().policy().keepLastGood();
        RescanReport report;
        if (attest) {
            try (SigningKey signingKey = session.signingKey(key)) {
                report = rescanner.rescan(where, w.scanner(), w.scanPolicy(), lastGood, signingKey);
            }
        } else {
            report = rescanner.rescan(where, w.scanner(), w.scanPolicy(), lastGood, null);
        }
        session.output().result(json(report), human(report));
        List<EnvironmentRisk> unknown = report.environments().stream()
                .filter(r -> r.status() == EnvironmentRisk.Status.UNKNOWN).toList();
        if (report.atRisk() || !unknown.isEmpty()) {
            List<String> lines = new ArrayList<>();
            report.atRiskEnvironments().forEach(r -> lines.add(r.message().lines().findFirst().orElse("")));
            unknown.forEach(r -> lines.add(r.message().lines().findFirst().orElse("")));
            throw EngineException.refused(String.join("\n", lines));
        }
        return 0;
    }

    private DeliveryConfig withDatabase(DeliveryConfig c) {
        ScanConfig s = c.scan();
        return c.withScan(new ScanConfig(database.toString(), s.failOn(), s.failOnFixableOnly(), s.ignore(),
                s.acceptIncomplete()));
    }

    static ObjectNode json(RescanReport report) {
        ObjectNode json = Output.object();
        json.put("started", report.started().toString());
        json.put("finished", report.finished().toString());
        json.put("database", report.database().location());
        json.put("databaseRecords", report.database().records());
        json.put("atRisk", report.atRisk());
        json.put("summary", report.summary());
        json.put("layersRead", report.layersRead());
        json.put("layersReused", report.layersReused());
        ArrayNode envs = json.putArray("environments");
        for (EnvironmentRisk r : report.environments()) {
            ObjectNode n = envs.addObject();
            n.put("environment", r.environment());
            n.put("repository", r.repository().toString());
            n.put("live", r.live() == null ? null : r.live().toString());
            n.put("status", r.status().name());
            ArrayNode withdrawn = n.putArray("withdrawnFromRollback");
            r.withdrawn().forEach(d -> withdrawn.add(d.toString()));
            n.put("message", r.message());
            if (r.recorded() != null) {
                n.set("recorded", Output.observed(r.recorded()));
            }
        }
        ArrayNode scans = json.putArray("scans");
        for (DigestScan s : report.scans()) {
            ObjectNode n = scans.addObject();
            n.put("digest", s.digest().toString());
            n.put("scannedFrom", s.scannedFrom() == null ? null : s.scannedFrom().toString());
            ArrayNode uses = n.putArray("uses");
            for (Use u : s.uses()) {
                uses.addObject().put("environment", u.environment()).put("role", u.role().name());
            }
            if (s.report() != null) {
                n.put("passed", s.report().passed());
                n.put("verdict", s.report().verdict().name());
                n.put("finishedOn", s.report().finishedOn().toString());
                n.put("summary", s.report().summary());
                ArrayNode reasons = n.putArray("reasons");
                s.report().reasons().forEach(reasons::add);
            } else {
                n.put("error", s.error());
            }
            ArrayNode attested = n.putArray("attestedIn");
            s.attestedIn().forEach(a -> attested.add(a.toString()));
        }
        return json;
    }

    static String human(RescanReport report) {
        StringBuilder s = new StringBuilder();
        Table t = new Table("DIGEST", "USED AS", "RESULT");
        for (DigestScan scan : report.scans()) {
            t.row(scan.digest().shortForm(), scan.uses().stream().map(Use::toString).toList().toString()
                    .replaceAll("^\\[|\\]$", ""), scan.report() != null ? scan.report().summary()
                    : "not scanned: " + scan.error());
        }
        s.append(t).append('\n');
        for (EnvironmentRisk r : report.environments()) {
            s.append(r.message()).append('\n');
            if (r.recorded() != null) {
                s.append("  ").append(r.recorded().message()).append('\n');
            }
        }
        for (DigestScan scan : report.scans()) {
            for (ImageReference a : scan.attestedIn()) {
                s.append("attested the re-scan of ").append(scan.digest().shortForm()).append(" to ").append(a)
                        .append('\n');
            }
        }
        s.append(report.summary());
        return s.toString();
    }
}
