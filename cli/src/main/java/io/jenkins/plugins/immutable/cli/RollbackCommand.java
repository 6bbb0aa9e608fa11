package io.jenkins.plugins.immutable.cli;

import io.jenkins.plugins.immutable.deploy.DeploymentStrategy;
import io.jenkins.plugins.immutable.image.Digest;
import io.jenkins.plugins.immutable.promote.PromotionResult;
import io.jenkins.plugins.immutable.promote.RollbackRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code immutable rollback}: back to a known-good digest, by replacement. */
@Command(name = "rollback", mixinStandardHelpOptions = true,
        description = {"Return an environment to its previous known-good digest from the ledger (or to --to, a digest"
            + " that was live there), by replacement: the old colour takes the traffic back while it is retained,"
            + " else the digest is deployed anew. Today's gates apply unless --force gives a reason, which the"
            + " ledger records.",
            "Exit 0 when back; 3 when refused; 4 when the rollback's deployment failed."})
final class RollbackCommand extends EngineCommand {

    @Parameters(index = "0", paramLabel = "ENVIRONMENT", description = "The environment.")
    String environment;

    @Option(names = "--to", paramLabel = "DIGEST", description = "The digest to return to (sha256:...).")
    String target;

    @Option(names = "--force", paramLabel = "REASON",
            description = "Override refusing gates (not approval); the reason is recorded in the ledger.")
    String force;

    @Mixin
    DecisionOptions decisions = new DecisionOptions();

    @Mixin
    StrategyOptions strategy = new StrategyOptions();

    @Override
    int run(Session session) {
        Digest digest = target == null ? null : Digest.parse(target);
        decisions.apply(session);
        DeploymentStrategy chosen = strategy.resolve(session.wiring(), environment);
        RollbackRequest request = new RollbackRequest(environment, digest, null, session.actor(), session.run(),
                chosen);
        if (force != null) {
            request = request.forced(force);
        }
        PromotionResult result = session.wiring().promoter().rollback(request);
        session.output().result(PromotionOutput.json(result), PromotionOutput.human(result));
        result.requireSuccess();
        return 0;
    }
}
