package io.jenkins.plugins.immutable.cli;

import io.jenkins.plugins.immutable.promote.PromotionResult;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code immutable resume}: carry on a deployment a stopped process left. */
@Command(name = "resume", mixinStandardHelpOptions = true,
        description = {"Carry on the deployment a stopped process left in an environment (from the journal in its"
            + " ledger): it finishes, or rolls back; its outcome is recorded and the tag moved.",
            "The record is checked first: it must start from what the ledger says is live, its owner must no longer"
                + " run on this host, and the digest it deploys must pass the environment's gates again (approval"
                + " too: --approve); one that does not is rolled back and recorded as failed (exit 3)."})
final class ResumeCommand extends EngineCommand {

    @Parameters(index = "0", paramLabel = "ENVIRONMENT", description = "The environment.")
    String environment;

    @Mixin
    DecisionOptions decisions = new DecisionOptions();

    @Override
    int run(Session session) {
        decisions.apply(session);
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
