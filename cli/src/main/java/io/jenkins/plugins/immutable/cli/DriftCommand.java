package io.jenkins.plugins.immutable.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.SideBySide;
import io.jenkins.plugins.immutable.config.Wiring;
import io.jenkins.plugins.immutable.deploy.DriftReport;
import io.jenkins.plugins.immutable.promote.DriftCheck;
import io.jenkins.plugins.immutable.promote.DriftChecks;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code immutable drift}: does what runs match what the ledger says is live? */
@Command(name = "drift", mixinStandardHelpOptions = true,
        description = {"Compare what runs in each environment (or the named ones) with what its ledger says is"
            + " live: wrong digests, instances made or swapped by hand, missing or surplus instances, traffic routed"
            + " elsewhere, an unfinished deployment.",
            "Each finding is recorded in the environment's ledger as a drift entry (who, when, clean or what"
                + " differed) when it differs from the last one recorded there, or that one is a week old: the"
                + " drift incidents of `immutable metrics` (M4) are counted from them. The entry changes nothing the"
                + " environment may do.",
            "Exit 0 when every environment matches; 6 when one drifted (replace it: promote or roll back again)."})
final class DriftCommand extends EngineCommand {

    @Parameters(paramLabel = "ENVIRONMENT", arity = "0..*", description = "Environments to check (default: all).")
    List<String> environments = new ArrayList<>();

    @Option(names = "--no-record", description = "Only check: record nothing in the ledgers (for a machine that"
            + " may not write them, or a ledger older readers still read).")
    boolean noRecord;

    @Override
    int run(Session session) {
        Wiring w = session.wiring();
        List<String> names = session.environments(environments);
        DriftChecks checks = noRecord ? w.driftChecks() : w.driftChecks().recordingAs(session.actor(), session.run());
        ArrayNode json = Output.JSON.createArrayNode();
        StringBuilder human = new StringBuilder();
        List<String> drifted = new ArrayList<>();
        // Each environment's ledger and what runs there, looked at side by side: mostly waits on the servers.
        List<DriftCheck> found = SideBySide.map(names, StatusCommand.READERS,
                "comparing the environments with their ledgers", name -> checks.check(w.ledgerLocation(name),
                        w.target(name), w.router(name), w.environment(name).replicas()));
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            DriftCheck check = found.get(i);
            ObjectNode n = json.addObject();
            n.put("environment", name);
            n.put("clean", check.clean());
            n.put("summary", check.summary());
            human.append(check.summary()).append('\n');
            DriftReport report = check.report();
            if (report == null) {
                continue;
            }
            n.put("expected", report.expected().toString());
            ArrayNode diffs = n.putArray("differences");
            for (DriftReport.Difference d : report.differences()) {
                ObjectNode dn = diffs.addObject();
                dn.put("kind", d.kind().name());
                dn.put("subject", d.subject());
                dn.put("detail", d.detail());
            }
            report.differences().forEach(d -> human.append("  ").append(d).append('\n'));
            if (check.recorded() != null) {
                n.set("recorded", Output.observed(check.recorded()));
                human.append("  ").append(check.recorded().message()).append('\n');
            }
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
