package io.jenkins.plugins.immutable.config;

import hudson.model.Describable;

/**
 * Where an environment's instances run ({@code target}): exactly one of {@code docker}, {@code swarm},
 * {@code kubernetes}, each its own kind with that symbol, as Configuration as Code writes it.
 */
public abstract class Target implements Describable<Target> {

    /** The engine's record of this target, checked. */
    abstract TargetConfig toConfig();
}
