/**
 * The immutable delivery engine: everything the Jenkins plugin and the CLI do, with no Jenkins class in it.
 * One package per concept: {@code image} (references, digests, manifests), {@code registry} (the distribution API
 * client and copy by digest), {@code bake}, {@code sign}, {@code attest}, {@code scan}, {@code ledger},
 * {@code promote} (environments, gates, rollback), {@code deploy} (targets, routers, strategies) and
 * {@code analysis} (metric sources and the canary judge).
 */
package io.jenkins.plugins.immutable;
