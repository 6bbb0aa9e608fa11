package io.jenkins.plugins.immutable.config;

import hudson.model.Describable;

/** What shifts an environment's traffic ({@code router}): {@code haproxy} or {@code kubernetes}; none = the target's own. */
public abstract class Router implements Describable<Router> {

    abstract RouterConfig toConfig();
}
