package io.jenkins.plugins.immutable.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.config.Wiring;
import io.jenkins.plugins.immutable.deploy.DeploymentState;
import io.jenkins.plugins.immutable.deploy.Drift;
import io.jenkins.plugins.immutable.deploy.DriftReport;
import io.jenkins.plugins.immutable.ledger.LedgerHistory;
import io.jenkins.plugins.immutable.ledger.LedgerJournal;
import io.jenkins.plugins.immutable.ledger.LedgerLocation;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code immutable drift}: does what runs match what the ledger says is live? */
@Command(name = "drift", mixinStandardHelpOptions = true,
        description = {"Compare what runs in each environment (or the named ones) with what its ledger says is"
            + " live: wrong digests, instances made or swapped by hand, missing or surplus instances, traffic routed"
            + " elsewhere, an unfinished deployment.",
            "Exit 0 when every environment matches; 6 when one drifted (replace it: promote or roll back again)."})
final class DriftCommand extends EngineCommand {

    @Parameters(paramLabel = "ENVIRONMENT", arity = "0..*", description = "Environments to check (default: all).")
    List<String> environments = new ArrayList<>();

    @Override
    int run(Session session) {
        Wiring w = session.wiring();
        List<String> names = session.environments(environments);
        ArrayNode json = Output.JSON.createArrayNode();
        StringBuilder human = new StringBuilder();
        List<String> drifted = new ArrayList<>();
        for (String name : names) {
            LedgerLocation where = w.ledgerLocation(name);
            LedgerHistory history = w.ledger().read(where);
            ObjectNode n = json.addObject();
            n.put("environment", name);
            if (history.live().isEmpty()) {
                n.put("clean", true);
                n.put("summary", name + ": nothing is live according to the ledger; nothing to compare");
                human.append(n.get("summary").asText()).append('\n');
                continue;
            }
            DeploymentState state = history.deployment() == null ? null
                    : new LedgerJournal(w.ledger(), where, session.output()).load(name).orElse(null);
            DriftReport report = Drift.check(w.target(name), w.router(name), name, history.live().get(),
                    w.environment(name).replicas(), state);
            n.put("expected", report.expected().toString());
            n.put("clean", report.isClean());
            n.put("summary", report.summary());
            ArrayNode diffs = n.putArray("differences");
            for (DriftReport.Difference d : report.differences()) {
                ObjectNode dn = diffs.addObject();
                dn.put("kind", d.kind().name());
                dn.put("subject", d.subject());
                dn.put("detail", d.detail());
            }
            human.append(report.summary()).append('\n');
            report.differences().forEach(d -> human.append("  ").append(d).append('\n'));
            if (!report.isClean()) {
                drifted.add(name);
            }
        }
        session.output().result(json, human.toString());
        if (!drifted.isEmpty()) {
            throw EngineException.integrity(String.join(", ", drifted) + " drifted from the ledger: what runs is"
                    + " not what was promoted. Replace it rather than patch it: promote the live digest again, or"
                    + " roll back");
        }
        return 0;
    }
}
