package io.jenkins.plugins.immutable.cli;

import io.jenkins.plugins.immutable.freeze.FreezeChange;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code immutable unfreeze}: lift an environment's freeze, with a reason, recorded in its ledger. */
@Command(name = "unfreeze", mixinStandardHelpOptions = true,
        description = {"Lift an environment's freeze: promotions into it are allowed again (within its promotion"
            + " windows, if it has any). Who, when and why are recorded in the environment's ledger."})
final class UnfreezeCommand extends EngineCommand {

    @Parameters(index = "0", paramLabel = "ENVIRONMENT", description = "The environment.")
    String environment;

    @Option(names = "--reason", required = true, paramLabel = "TEXT",
            description = "Why the freeze is lifted (the incident is resolved...).")
    String reason;

    @Override
    int run(Session session) {
        session.wiring().environment(environment);
        FreezeChange change = session.wiring().freezes().unfreeze(environment, session.actor(), session.run(),
                reason);
        session.output().result(FreezeCommand.json(change), change.message());
        return 0;
    }
}
