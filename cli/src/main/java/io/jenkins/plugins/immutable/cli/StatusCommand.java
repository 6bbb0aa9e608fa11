package io.jenkins.plugins.immutable.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.SideBySide;
import io.jenkins.plugins.immutable.attest.AttestationVerifier;
import io.jenkins.plugins.immutable.attest.ScanAttestation;
import io.jenkins.plugins.immutable.config.GatesConfig;
import io.jenkins.plugins.immutable.config.Wiring;
import io.jenkins.plugins.immutable.deploy.DeploymentState;
import io.jenkins.plugins.immutable.freeze.FreezeState;
import io.jenkins.plugins.immutable.freeze.WindowState;
import io.jenkins.plugins.immutable.ledger.LedgerEntry;
import io.jenkins.plugins.immutable.ledger.LedgerHistory;
import io.jenkins.plugins.immutable.ledger.LedgerJournal;
import io.jenkins.plugins.immutable.image.ImageReference;
import io.jenkins.plugins.immutable.ledger.LedgerLocation;
import io.jenkins.plugins.immutable.promote.PromotionGraph;
import io.jenkins.plugins.immutable.scan.ScanReport;
import io.jenkins.plugins.immutable.sign.TrustPolicy;
import io.jenkins.plugins.immutable.sign.VerificationKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code immutable status}: what is live in each environment, from the ledgers. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = {"Show what is live in each environment (or the named ones), upstream before downstream, from"
            + " their ledgers in the registry: where it takes digests from (UPSTREAM), the digest, since when, who put"
            + " it there, any deployment under way, and whether promotions"
            + " into it are open, frozen (by whom, since when, why) or outside its promotion windows (until when).",
            "SCAN is the newest verified scan attestation of the live digest (verified with the environment's"
            + " gates.attestedBy keys, else signing.trustedKeys): AT RISK when it fails the policy (a re-scan found"
            + " a new vulnerability), passed, or - when there is none or no key to verify it with."})
final class StatusCommand extends EngineCommand {

    private static final Logger LOG = Logger.getLogger(StatusCommand.class.getName());

    @Parameters(paramLabel = "ENVIRONMENT", arity = "0..*", description = "Environments to show (default: all).")
    List<String> environments = new ArrayList<>();

    @Override
    int run(Session session) {
        Wiring w = session.wiring();
        List<String> names = session.environments(environments);
        ArrayNode json = Output.JSON.createArrayNode();
        PromotionGraph graph = w.graph();
        Table table = new Table("ENVIRONMENT", "UPSTREAM", "LIVE", "SINCE", "BY", "ENTRIES", "DEPLOYMENT", "PROMOTIONS",
                "SCAN");
        List<String> atRisk = new ArrayList<>();
        Instant now = Instant.now();
        // What the registry says of each environment, read side by side: reads are mostly waits on it.
        List<Read> reads = SideBySide.map(names, READERS, "reading the environments' ledgers", name -> {
            LedgerLocation where = w.ledgerLocation(name);
            LedgerHistory history = w.ledger().read(where);
            Optional<DeploymentState> deployment = LedgerJournal.deployment(history, where);
            Optional<ScanReport> scan = history.liveEntry()
                    .flatMap(e -> newestScan(w, name, where.repository().digest(e.digest())));
            return new Read(name, where, history, deployment, scan);
        });
        for (Read read : reads) {
            String name = read.name();
            LedgerLocation where = read.where();
            LedgerHistory history = read.history();
            Optional<LedgerEntry> live = history.liveEntry();
            Optional<DeploymentState> deployment = read.deployment();
            ObjectNode n = json.addObject();
            n.put("environment", name);
            n.put("repository", where.repository().toString());
            HistoryCommand.putPlace(n, graph, name);
            n.put("live", live.map(e -> e.digest().toString()).orElse(null));
            n.put("liveReference", live.map(e -> where.repository().digest(e.digest()).toString()).orElse(null));
            n.put("since", live.map(e -> e.time().toString()).orElse(null));
            n.put("by", live.map(LedgerEntry::actor).orElse(null));
            n.put("entries", history.entries().size());
            deployment.ifPresent(d -> {
                ObjectNode dep = n.putObject("deployment");
                dep.put("id", d.id());
                dep.put("phase", d.phase().name());
                dep.put("strategy", d.strategy());
                dep.put("to", d.to().toString());
                dep.put("message", d.message());
            });
            Optional<ScanReport> scan = read.scan();
            scan.ifPresent(r -> {
                ObjectNode sn = n.putObject("scan");
                sn.put("finishedOn", r.finishedOn().toString());
                sn.put("passed", r.passed());
                sn.put("verdict", r.verdict().name());
                sn.put("summary", r.summary());
                ArrayNode reasons = sn.putArray("reasons");
                r.reasons().forEach(reasons::add);
            });
            boolean risky = scan.map(r -> !r.passed()).orElse(false);
            n.put("atRisk", risky);
            if (risky) {
                atRisk.add(name + " is AT RISK: its live digest " + live.get().digest().shortForm()
                        + " fails its policy in its newest scan (" + scan.get().finishedOn() + "): "
                        + scan.get().summary());
            }
            FreezeState freeze = FreezeState.of(history);
            n.set("freeze", FreezeCommand.json(freeze));
            GatesConfig.WindowsConfig windows = w.environment(name).gates().windows();
            WindowState window = windows == null ? null : windows.toWindows().at(now);
            if (window != null) {
                ObjectNode wn = n.putObject("window");
                wn.put("open", window.open());
                wn.put("why", window.why());
                wn.put("nextOpen", window.nextOpen() == null ? null : window.nextOpen().toString());
            }
            table.row(name, graph.upstream(name).describe(), live.map(e -> e.digest().shortForm()).orElse("-"),
                    live.map(e -> e.time().toString()).orElse("-"), live.map(LedgerEntry::actor).orElse("-"),
                    history.entries().size(), deployment.map(d -> d.phase() + " " + d.strategy() + " of "
                            + d.to().shortForm()).orElse("-"), promotions(freeze, window),
                    scan.map(r -> (r.passed() ? "passed " : "AT RISK ") + r.finishedOn()).orElse("-"));
        }
        session.output().result(json, table + (atRisk.isEmpty() ? "" : "\n" + String.join("\n", atRisk)));
        return 0;
    }

    /** How many environments are read at once. */
    static final int READERS = 8;

    /** One environment as read from the registry. */
    private record Read(String name, LedgerLocation where, LedgerHistory history, Optional<DeploymentState> deployment,
            Optional<ScanReport> scan) {
    }

    /**
     * The newest verified scan of the live image, read as the scan gate reads it; empty without a key to verify with
     * or without an attestation. Status only reports: an unreadable attestation is logged, not an error.
     */
    private static Optional<ScanReport> newestScan(Wiring w, String environment, ImageReference image) {
        List<VerificationKey> keys = w.gates(w.environment(environment).gates()).attestedBy();
        if (keys.isEmpty()) {
            keys = w.trustedKeys();
        }
        if (keys.isEmpty()) {
            return Optional.empty();
        }
        try {
            return ScanAttestation.newestVerified(new AttestationVerifier(w.registry()), image,
                    TrustPolicy.of(keys).withAnyIdentity());
        } catch (EngineException e) {
            if (e.kind() == EngineException.Kind.OUTAGE) {
                throw e;
            }
            LOG.log(Level.WARNING, "cannot read the scan attestations of {0}: {1}",
                    new Object[] {image, e.getMessage()});
            return Optional.empty();
        }
    }

    /** {@code open}, {@code FROZEN by bob since ...: why}, {@code CLOSED until ...}. */
    private static String promotions(FreezeState freeze, WindowState window) {
        List<String> parts = new ArrayList<>();
        if (freeze.frozen()) {
            parts.add("FROZEN by " + freeze.by() + " since " + freeze.since() + ": " + freeze.reason());
        }
        if (window != null && !window.open()) {
            parts.add("CLOSED (" + window.why() + ")" + (window.nextOpen() == null ? ""
                    : " until " + window.nextOpen()));
        }
        return parts.isEmpty() ? "open" : String.join("; ", parts);
    }
}
