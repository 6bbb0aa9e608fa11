package io.jenkins.plugins.immutable.cli;

import io.jenkins.plugins.immutable.promote.PromotionResult;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code immutable abandon}: give up the unfinished deployment a stopped process left, back to what was live. */
@Command(name = "abandon", mixinStandardHelpOptions = true,
        description = {"Give up the unfinished deployment a stopped process left in an environment, instead of"
            + " resuming it: traffic returns to the digest that was live, the new instances are removed, and the"
            + " ledger records the deployment as failed with the reason. The way out when a deployment cannot be"
            + " resumed (its image cannot run, a gate refuses it).",
            "Exit 0 when abandoned or when nothing is unfinished; 3 when its owner still runs on this host."})
final class AbandonCommand extends EngineCommand {

    @Parameters(index = "0", paramLabel = "ENVIRONMENT", description = "The environment.")
    String environment;

    @Option(names = "--reason", paramLabel = "TEXT", description = "Why, recorded in the ledger.")
    String reason;

    @Override
    int run(Session session) {
        session.wiring().environment(environment);
        String why = reason == null || reason.isBlank() ? "abandoned by " + session.actor() : reason;
        Optional<PromotionResult> result = session.wiring().promoter().abandon(environment, session.actor(),
                session.run(), why);
        if (result.isEmpty()) {
            session.output().result(Output.object().put("environment", environment).put("status", "NOTHING_TO_ABANDON"),
                    environment + ": no unfinished deployment to abandon");
            return 0;
        }
        session.output().result(PromotionOutput.json(result.get()), PromotionOutput.human(result.get()));
        return 0;
    }
}
