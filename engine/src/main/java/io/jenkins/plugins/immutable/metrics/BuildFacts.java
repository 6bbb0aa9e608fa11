package io.jenkins.plugins.immutable.metrics;

import java.time.Instant;

/**
 * What a digest's verified SLSA provenance says about its build.
 *
 * @param builderId        {@code runDetails.builder.id}
 * @param sourceRepository the source repository, or null
 * @param sourceCommit     the commit built, or null
 * @param buildStarted     {@code runDetails.metadata.startedOn}, or null when the provenance leaves it out
 */
public record BuildFacts(String builderId, String sourceRepository, String sourceCommit, Instant buildStarted) {
}
