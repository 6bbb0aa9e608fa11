package io.jenkins.plugins.immutable.cli;

import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.config.StrategyConfig;
import io.jenkins.plugins.immutable.config.Wiring;
import io.jenkins.plugins.immutable.deploy.DeploymentStrategy;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Option;

/** Strategy flags of promote and rollback: the same words and defaults as the configuration's strategy block. */
final class StrategyOptions {

    @Option(names = "--strategy", paramLabel = "NAME",
            description = "Deploy with this strategy instead of the environment's: rolling, blue-green (also"
                    + " written blueGreen, as in the configuration) or canary.")
    String strategy;

    @Option(names = "--batch", paramLabel = "N", description = "rolling: instances replaced at a time (default 1).")
    Integer batch;

    @Option(names = "--retention", paramLabel = "DURATION",
            description = "blue-green: how long the old colour is kept for an instant rollback (default 10m).")
    String retention;

    @Option(names = "--steps", paramLabel = "PERCENT", split = ",",
            description = "canary: traffic steps in percent (default 5,25,50).")
    List<Integer> steps;

    @Option(names = "--pause", paramLabel = "DURATION", description = "canary: pause before each judgement (30s).")
    String pause;

    @Option(names = "--canary-replicas", paramLabel = "N", description = "canary: instances of the canary (1).")
    Integer replicas;

    /**
     * The strategy the flags ask for, or null for the environment's own. A canary keeps the analysis template of
     * the environment's own canary, so it is judged the same way.
     */
    DeploymentStrategy resolve(Wiring wiring, String environment) {
        if (strategy == null) {
            if (batch != null || retention != null || steps != null || pause != null || replicas != null) {
                throw EngineException.badInput("--batch, --retention, --steps, --pause and --canary-replicas go with"
                        + " --strategy; name the strategy they configure");
            }
            return null;
        }
        StrategyConfig own = wiring.environment(environment).strategy();
        StrategyConfig config = switch (strategy.toLowerCase(Locale.ROOT).replace("-", "")) {
            case "rolling" -> new StrategyConfig.Rolling(batch);
            case "bluegreen" -> new StrategyConfig.BlueGreen(retention);
            case "canary" -> new StrategyConfig.Canary(steps, pause,
                    own instanceof StrategyConfig.Canary c ? c.analysis() : null, replicas);
            default -> throw EngineException.badInput("--strategy " + strategy + " is not one of rolling, blue-green,"
                    + " canary");
        };
        return Wiring.strategy(config);
    }
}
