package io.jenkins.plugins.immutable.analysis;

/** The baseline's and the canary's scopes, which a metric source measures alike. */
public record Scopes(Scope baseline, Scope canary) {
}
