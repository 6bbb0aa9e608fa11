package io.jenkins.plugins.immutable.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jenkins.plugins.immutable.freeze.FreezeChange;
import io.jenkins.plugins.immutable.freeze.FreezeState;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code immutable freeze}: stop promotions into an environment, with a reason, recorded in its ledger. */
@Command(name = "freeze", mixinStandardHelpOptions = true,
        description = {"Freeze an environment: promotions into it are refused (exit 3, naming who froze it, when and"
            + " why) until it is unfrozen; rollbacks stay allowed, and a promotion may override the freeze with"
            + " --override-freeze REASON. Who, when and why are recorded in the environment's ledger. Freezing a"
            + " frozen environment records nothing and shows the freeze in force."})
final class FreezeCommand extends EngineCommand {

    @Parameters(index = "0", paramLabel = "ENVIRONMENT", description = "The environment.")
    String environment;

    @Option(names = "--reason", required = true, paramLabel = "TEXT",
            description = "Why (an incident, a release freeze); shown to whoever is refused a promotion.")
    String reason;

    @Override
    int run(Session session) {
        session.wiring().environment(environment);
        FreezeChange change = session.wiring().freezes().freeze(environment, session.actor(), session.run(), reason);
        session.output().result(json(change), change.message());
        return 0;
    }

    static ObjectNode json(FreezeChange change) {
        ObjectNode n = json(change.state());
        n.put("recorded", change.recorded());
        n.put("message", change.message());
        return n;
    }

    static ObjectNode json(FreezeState s) {
        ObjectNode n = Output.object();
        n.put("environment", s.environment());
        n.put("frozen", s.frozen());
        if (s.frozen()) {
            n.put("by", s.by());
            n.put("since", s.since().toString());
            n.put("reason", s.reason());
            n.put("run", s.run());
            n.put("entry", s.entry());
        }
        return n;
    }
}
