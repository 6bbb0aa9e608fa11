package io.jenkins.plugins.immutable.cli;

import io.jenkins.plugins.immutable.promote.PromotionResult;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code immutable resume}: carry on a deployment a stopped process left. */
@Command(name = "resume", mixinStandardHelpOptions = true,
        description = {"Carry on the deployment a stopped process left in an environment (from the journal in its"
            + " ledger): it finishes, or rolls back; its outcome is recorded and the tag moved."})
final class ResumeCommand extends EngineCommand {

    @Parameters(index = "0", paramLabel = "ENVIRONMENT", description = "The environment.")
    String environment;

    @Option(names = "--on-marginal", paramLabel = "ACTION", defaultValue = "ask",
            description = "A Marginal canary verdict: ask (on a terminal; otherwise it rolls back at the analysis'"
                    + " deadline), proceed, or rollback.")
    PromotionOutput.OnMarginal onMarginal;

    @Override
    int run(Session session) {
        session.marginal(PromotionOutput.marginal(session, onMarginal));
        session.wiring().environment(environment);
        Optional<PromotionResult> result = session.wiring().promoter().resume(environment, session.actor(),
                session.run());
        if (result.isEmpty()) {
            session.output().result(Output.object().put("environment", environment).put("status", "NOTHING_TO_RESUME"),
                    environment + ": nothing to resume");
            return 0;
        }
        session.output().result(PromotionOutput.json(result.get()), PromotionOutput.human(result.get()));
        result.get().requireSuccess();
        return 0;
    }
}
