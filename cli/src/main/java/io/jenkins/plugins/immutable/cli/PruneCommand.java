package io.jenkins.plugins.immutable.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jenkins.plugins.immutable.config.Wiring;
import io.jenkins.plugins.immutable.ledger.LedgerLocation;
import io.jenkins.plugins.immutable.retention.Artifact;
import io.jenkins.plugins.immutable.retention.PruneResult;
import io.jenkins.plugins.immutable.retention.Pruner;
import io.jenkins.plugins.immutable.retention.Reason;
import io.jenkins.plugins.immutable.retention.RetentionPlan;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code immutable prune}: plan, and on request carry out, retention in the environments' repositories. */
@Command(name = "prune", mixinStandardHelpOptions = true,
        description = {"Delete the tags and manifests of the environments' repositories that no retention rule keeps"
            + " (see retention: in immutable.yaml). Never deleted: what is live, under deployment, among each"
            + " environment's last known-good digests, named by a ledger entry inside the window, a tag matching"
            + " keepTags, a build never promoted that is young or undated, a ledger, and the signatures and"
            + " attestations of all of these.",
            "Without --apply, prints the plan and deletes nothing. Space is reclaimed by the registry's own garbage"
            + " collection afterwards (registry garbage-collect, with the registry read-only)."})
final class PruneCommand extends EngineCommand {

    @Parameters(paramLabel = "ENVIRONMENT", arity = "0..*",
            description = "Environments whose repositories to prune (default: all).")
    List<String> environments = new ArrayList<>();

    @Option(names = "--apply", description = "Delete what the plan lists (default: only print the plan).")
    boolean apply;

    @Option(names = "--keep", description = "Show every kept manifest and why, not only what goes.")
    boolean showKept;

    @Override
    int run(Session session) {
        Wiring w = session.wiring();
        List<LedgerLocation> where = new ArrayList<>();
        for (String name : session.environments(environments)) {
            where.add(w.ledgerLocation(name));
        }
        Pruner pruner = new Pruner(w.registry(), w.ledger(), Clock.systemUTC(), session.output());
        RetentionPlan plan = pruner.plan(where, w.config().retention().policy());
        ObjectNode json = Output.JSON.createObjectNode();
        json.put("applied", apply);
        json.set("delete", artifacts(plan.doomed()));
        json.set("keep", artifacts(plan.kept()));
        StringBuilder human = new StringBuilder(plan.describe());
        if (showKept) {
            for (Artifact a : plan.kept()) {
                human.append("  keep   ").append(a.repository()).append('@').append(a.label()).append('\n');
                a.reasons().forEach(r -> human.append("           ").append(r).append('\n'));
            }
        }
        if (apply && !plan.deletesNothing()) {
            PruneResult result = pruner.apply(plan);
            json.put("deleted", result.deleted().size());
            json.put("alreadyGone", result.alreadyGone().size());
            human.append("Deleted ").append(result.deleted().size()).append(result.alreadyGone().isEmpty() ? ""
                    : " (" + result.alreadyGone().size() + " were gone already)")
                    .append(". Run the registry's garbage collection to reclaim the space.\n");
        } else if (!plan.deletesNothing()) {
            human.append("Nothing was deleted: this is the plan. Run again with --apply to delete.\n");
        }
        session.output().result(json, human.toString());
        return 0;
    }

    private static ArrayNode artifacts(List<Artifact> list) {
        ArrayNode array = Output.JSON.createArrayNode();
        for (Artifact a : list) {
            ObjectNode n = array.addObject();
            n.put("repository", a.repository().toString());
            n.put("digest", a.digest().toString());
            ArrayNode tags = n.putArray("tags");
            a.tags().forEach(tags::add);
            if (a.subject() != null) {
                n.put("subject", a.subject().toString());
            }
            if (a.kept()) {
                ArrayNode reasons = n.putArray("reasons");
                for (Reason r : a.reasons()) {
                    reasons.addObject().put("rule", r.rule().name().toLowerCase(java.util.Locale.ROOT)
                            .replace('_', '-')).put("detail", r.detail());
                }
            } else {
                n.put("why", a.why());
            }
        }
        return array;
    }
}
