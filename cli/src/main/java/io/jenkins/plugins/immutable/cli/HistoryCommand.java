package io.jenkins.plugins.immutable.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.config.Wiring;
import io.jenkins.plugins.immutable.ledger.Ledger;
import io.jenkins.plugins.immutable.ledger.LedgerEntry;
import io.jenkins.plugins.immutable.ledger.LedgerFormat;
import io.jenkins.plugins.immutable.ledger.LedgerHistory;
import io.jenkins.plugins.immutable.ledger.LedgerLocation;
import io.jenkins.plugins.immutable.ledger.LedgerVerification;
import io.jenkins.plugins.immutable.promote.PromotionGraph;
import io.jenkins.plugins.immutable.promote.Upstream;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code immutable history}: an environment's ledger, checked. */
@Command(name = "history", mixinStandardHelpOptions = true,
        description = {"Show an environment's ledger, newest last: every promotion and rollback, its outcome, who"
            + " asked, and why; freezes; and the recorded re-scans and drift checks, marked as observed (they change"
            + " nothing the environment may do). The ledger's hash chain is checked first; a broken ledger exits 6"
            + " and says what is wrong."})
final class HistoryCommand extends EngineCommand {

    @Parameters(index = "0", paramLabel = "ENVIRONMENT", description = "The environment.")
    String environment;

    @Option(names = {"-n", "--limit"}, paramLabel = "N", defaultValue = "0",
            description = "Show only the last N entries (default: all).")
    int limit;

    @Option(names = "--decisions", description = "Leave out the observations (re-scans, drift checks): only what"
            + " changed what runs or what the environment may do.")
    boolean decisionsOnly;

    @Override
    int run(Session session) {
        Wiring w = session.wiring();
        w.environment(environment);
        LedgerLocation where = w.ledgerLocation(environment);
        Ledger ledger = w.ledger();
        Ledger.Checked checked = ledger.check(where);
        LedgerVerification verification = checked.verification();
        if (!verification.intact()) {
            throw EngineException.integrity(verification.describe());
        }
        LedgerHistory history = checked.history();
        List<LedgerEntry> entries = decisionsOnly ? history.entries().stream()
                .filter(e -> !e.action().isObservation()).toList() : history.entries();
        if (limit > 0 && entries.size() > limit) {
            entries = entries.subList(entries.size() - limit, entries.size());
        }
        ObjectNode json = Output.object();
        json.put("environment", environment);
        json.put("ledger", where.ledgerReference().toString());
        json.put("intact", true);
        json.put("signedWith", verification.signedWith());
        json.put("live", history.live().map(Object::toString).orElse(null));
        PromotionGraph graph = w.graph();
        putPlace(json, graph, environment);
        ArrayNode list = json.putArray("entries");
        Table table = new Table("#", "TIME", "ACTION", "DIGEST", "OUTCOME", "BY", "STRATEGY", "REASON");
        for (LedgerEntry e : entries) {
            list.add(entry(e));
            table.row(e.sequence(), e.time(), e.action(), e.digest() == null ? "-" : e.digest().shortForm(),
                    outcome(e), e.actor(), e.event().strategy(), e.observation() != null ? e.observation().summary()
                    : (e.forced() ? "forced: " : "") + (e.reason() == null ? "" : e.reason()));
        }
        session.output().result(json, place(graph, environment) + "\n" + (entries.isEmpty() ? environment
                + " has no ledger entries yet" : table.toString()) + "\n" + verification.describe());
        return 0;
    }

    /** The environment's place in the graph, as JSON: {@code upstream}, {@code requires}, {@code downstream}. */
    static void putPlace(ObjectNode n, PromotionGraph graph, String environment) {
        Upstream upstream = graph.upstream(environment);
        ArrayNode ups = n.putArray("upstream");
        upstream.environments().forEach(ups::add);
        n.put("requires", upstream.requires().toString());
        ArrayNode downs = n.putArray("downstream");
        graph.downstreams(environment).forEach(downs::add);
    }

    /** {@code prod-acme takes digests from staging; nothing takes from it}. */
    static String place(PromotionGraph graph, String environment) {
        Upstream u = graph.upstream(environment);
        List<String> downstream = graph.downstreams(environment);
        return environment + " takes digests " + (u.isEmpty() ? "straight from builds" : "from " + (u.environments()
                .size() == 1 ? u.environments().get(0) : u.requires() + " of " + String.join(", ", u.environments())))
                + "; " + (downstream.isEmpty() ? "nothing takes from it" : String.join(", ", downstream) + " take"
                + (downstream.size() == 1 ? "s" : "") + " from it");
    }

    /** The outcome column: a decision's outcome, or what an observation found, marked as observed. */
    static String outcome(LedgerEntry e) {
        return e.observation() == null ? e.outcome().toString() : "observed: " + e.observation().finding();
    }

    static ObjectNode entry(LedgerEntry e) {
        ObjectNode n = Output.object();
        n.put("sequence", e.sequence());
        n.put("time", e.time().toString());
        n.put("action", e.action().toString());
        n.put("digest", e.digest() == null ? null : e.digest().toString());
        n.put("outcome", e.outcome().toString());
        n.put("actor", e.actor());
        n.put("run", e.run());
        n.put("source", e.event().source());
        n.put("strategy", e.event().strategy());
        ArrayNode gates = n.putArray("gates");
        e.event().gates().forEach(gates::add);
        n.put("reason", e.reason());
        n.put("forced", e.forced());
        n.put("previousDigest", e.previousDigest() == null ? null : e.previousDigest().toString());
        n.put("kind", e.action().isObservation() ? "observation" : "decision");
        if (e.observation() != null) {
            n.put("finding", e.observation().finding());
            n.set(e.action().label(), LedgerFormat.observationNode(e.observation()));
        }
        n.put("hash", e.hash().toString());
        return n;
    }
}
