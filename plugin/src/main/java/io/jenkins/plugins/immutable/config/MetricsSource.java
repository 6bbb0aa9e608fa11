package io.jenkins.plugins.immutable.config;

import hudson.model.Describable;

/** Where an analysis template's metrics come from ({@code source}): {@code prometheus} or {@code haproxy}. */
public abstract class MetricsSource implements Describable<MetricsSource> {

    abstract AnalysisTemplateConfig.SourceConfig toConfig();
}
