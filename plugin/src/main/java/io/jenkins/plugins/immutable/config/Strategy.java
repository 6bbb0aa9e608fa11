package io.jenkins.plugins.immutable.config;

import hudson.model.Describable;

/**
 * How a new digest replaces the live one ({@code strategy}): {@code rolling}, {@code blueGreen} or {@code canary}.
 * The same objects are an environment's strategy in the global configuration and a {@code promoteImage} or
 * {@code rollbackImage} argument ({@code strategy: canary(steps: [5, 25, 50], analysis: 'default')}).
 */
public abstract class Strategy implements Describable<Strategy> {

    /** The engine's record of this strategy, checked (BAD_INPUT naming the field when a value is wrong). */
    public abstract StrategyConfig toConfig();

    /** The symbol, for display names: rolling, blueGreen or canary. */
    public abstract String getName();
}
