package io.jenkins.plugins.immutable.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jenkins.plugins.immutable.config.GatesConfig;
import io.jenkins.plugins.immutable.config.Wiring;
import io.jenkins.plugins.immutable.deploy.DeploymentState;
import io.jenkins.plugins.immutable.freeze.FreezeState;
import io.jenkins.plugins.immutable.freeze.WindowState;
import io.jenkins.plugins.immutable.ledger.LedgerEntry;
import io.jenkins.plugins.immutable.ledger.LedgerHistory;
import io.jenkins.plugins.immutable.ledger.LedgerJournal;
import io.jenkins.plugins.immutable.ledger.LedgerLocation;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code immutable status}: what is live in each environment, from the ledgers. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = {"Show what is live in each environment (or the named ones), from their ledgers in the"
            + " registry: the digest, since when, who put it there, any deployment under way, and whether promotions"
            + " into it are open, frozen (by whom, since when, why) or outside its promotion windows (until when)."})
final class StatusCommand extends EngineCommand {

    @Parameters(paramLabel = "ENVIRONMENT", arity = "0..*", description = "Environments to show (default: all).")
    List<String> environments = new ArrayList<>();

    @Override
    int run(Session session) {
        Wiring w = session.wiring();
        List<String> names = session.environments(environments);
        ArrayNode json = Output.JSON.createArrayNode();
        Table table = new Table("ENVIRONMENT", "LIVE", "SINCE", "BY", "ENTRIES", "DEPLOYMENT", "PROMOTIONS");
        Instant now = Instant.now();
        for (String name : names) {
            LedgerLocation where = w.ledgerLocation(name);
            LedgerHistory history = w.ledger().read(where);
            Optional<LedgerEntry> live = history.liveEntry();
            Optional<DeploymentState> deployment = history.deployment() == null ? Optional.empty()
                    : new LedgerJournal(w.ledger(), where, session.output()).load(name);
            ObjectNode n = json.addObject();
            n.put("environment", name);
            n.put("repository", where.repository().toString());
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
            table.row(name, live.map(e -> e.digest().shortForm()).orElse("-"),
                    live.map(e -> e.time().toString()).orElse("-"), live.map(LedgerEntry::actor).orElse("-"),
                    history.entries().size(), deployment.map(d -> d.phase() + " " + d.strategy() + " of "
                            + d.to().shortForm()).orElse("-"), promotions(freeze, window));
        }
        session.output().result(json, table.toString());
        return 0;
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
