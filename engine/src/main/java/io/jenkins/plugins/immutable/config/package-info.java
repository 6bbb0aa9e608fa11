/**
 * The one configuration schema that the CLI's {@code immutable.yaml}, Jenkins' global configuration and
 * Configuration as Code share, field for field: registries, signing keys and trusted keys, scan defaults,
 * environments (target, router, strategy, gates) and analysis templates. The records here hold only ids and
 * addresses, never a secret; {@link io.jenkins.plugins.immutable.config.CredentialResolver} turns ids into secrets
 * (Jenkins' credentials store, or the CLI's environment), and {@link io.jenkins.plugins.immutable.config.Wiring}
 * turns the records into live engine objects.
 */
package io.jenkins.plugins.immutable.config;
