package io.jenkins.plugins.immutable.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jenkins.plugins.immutable.config.Wiring;
import io.jenkins.plugins.immutable.deploy.DeploymentState;
import io.jenkins.plugins.immutable.ledger.LedgerEntry;
import io.jenkins.plugins.immutable.ledger.LedgerHistory;
import io.jenkins.plugins.immutable.ledger.LedgerJournal;
import io.jenkins.plugins.immutable.ledger.LedgerLocation;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code immutable status}: what is live in each environment, from the ledgers. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = {"Show what is live in each environment (or the named ones), from their ledgers in the"
            + " registry: the digest, since when, who put it there, and any deployment under way."})
final class StatusCommand extends EngineCommand {

    @Parameters(paramLabel = "ENVIRONMENT", arity = "0..*", description = "Environments to show (default: all).")
    List<String> environments = new ArrayList<>();

    @Override
    int run(Session session) {
        Wiring w = session.wiring();
        List<String> names = session.environments(environments);
        ArrayNode json = Output.JSON.createArrayNode();
        Table table = new Table("ENVIRONMENT", "LIVE", "SINCE", "BY", "ENTRIES", "DEPLOYMENT");
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
            table.row(name, live.map(e -> e.digest().shortForm()).orElse("-"),
                    live.map(e -> e.time().toString()).orElse("-"), live.map(LedgerEntry::actor).orElse("-"),
                    history.entries().size(), deployment.map(d -> d.phase() + " " + d.strategy() + " of "
                            + d.to().shortForm()).orElse("-"));
        }
        session.output().result(json, table.toString());
        return 0;
    }
}
