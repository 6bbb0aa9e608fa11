package io.jenkins.plugins.immutable.deploy;

import java.util.List;

/**
 * How a new digest replaces the live one, as a plan of {@link Stage}s the {@link Deployer} walks through. Strategies
 * only plan; they never touch a target, a router or the journal, so a plan can be shown before it runs and resumed
 * after a crash exactly as it was made.
 */
public sealed interface DeploymentStrategy permits Rolling, BlueGreen, Canary {

    /** The strategy's name as users write it: {@code rolling}, {@code blue-green}, {@code canary}. */
    String name();

    /** The stages that take {@code situation} from what runs now to the new digest running alone. */
    List<Stage> plan(Situation situation);
}
