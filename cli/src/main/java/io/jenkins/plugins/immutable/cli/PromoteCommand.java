package io.jenkins.plugins.immutable.cli;

import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.deploy.DeploymentStrategy;
import io.jenkins.plugins.immutable.image.ImageReference;
import io.jenkins.plugins.immutable.promote.PromotionRequest;
import io.jenkins.plugins.immutable.promote.PromotionResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code immutable promote}: the very same digest into a downstream environment, behind its gates. */
@Command(name = "promote", mixinStandardHelpOptions = true,
        description = {"Promote an image, by digest, into an environment (without IMAGE, the digest live in its"
            + " upstream environment, or in --from when it has several): its gates run (came through its upstream"
            + " environments, not frozen and inside its promotion windows, soaked upstream, signed, scanned,"
            + " provenance, approval), the digest is copied into the environment's"
            + " repository with its signatures and attestations, deployed with the environment's strategy (a canary"
            + " is judged by its analysis template and rolled back automatically when it fails), recorded in the"
            + " ledger, and the environment's tag moved last.",
            "Exit 0 when live (or already live); 3 when a gate refused; 4 when the deployment was judged bad and"
                + " rolled back."})
final class PromoteCommand extends EngineCommand {

    @Parameters(index = "0", paramLabel = "IMAGE", arity = "0..1",
            description = "The image, pinned: registry/repository@sha256:... (a tag only with --resolve-tag). Without"
                    + " it, the digest live in the environment's upstream environment (or in --from).")
    String image;

    @Option(names = "--to", required = true, paramLabel = "ENVIRONMENT", description = "The environment.")
    String environment;

    @Option(names = "--from", paramLabel = "ENVIRONMENT",
            description = "Without IMAGE: take the digest live in this upstream environment; needed when the"
                    + " environment has several upstream environments.")
    String from;

    @Option(names = "--resolve-tag",
            description = "Accept a tag: it is resolved to its digest once, up front, and that digest is promoted.")
    boolean resolveTag;

    @Option(names = "--override-freeze", paramLabel = "REASON",
            description = "Promote even though the environment is frozen or outside its promotion windows; the reason"
                    + " is recorded in the ledger (the entry is marked forced). Other gates still apply.")
    String overrideFreeze;

    @Mixin
    DecisionOptions decisions = new DecisionOptions();

    @Mixin
    StrategyOptions strategy = new StrategyOptions();

    @Override
    int run(Session session) {
        if (image != null && from != null) {
            throw EngineException.badInput("give either IMAGE or --from " + from + ", not both: --from takes the"
                    + " digest live there");
        }
        decisions.apply(session);
        ImageReference ref = image != null ? ImageReference.parse(image)
                : session.wiring().promoter().liveUpstream(environment, from);
        DeploymentStrategy chosen = strategy.resolve(session.wiring(), environment);
        PromotionRequest request = PromotionRequest.of(ref, environment, session.actor(), session.run());
        if (chosen != null) {
            request = request.withStrategy(chosen);
        }
        if (overrideFreeze != null) {
            request = request.overridingFreeze(overrideFreeze);
        }
        if (resolveTag) {
            request = request.resolvingTag();
        }
        PromotionResult result = session.wiring().promoter().promote(request);
        session.output().result(PromotionOutput.json(result), PromotionOutput.human(result));
        result.requireSuccess();
        return 0;
    }
}
