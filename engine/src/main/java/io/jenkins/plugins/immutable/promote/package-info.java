/**
 * Promotion and rollback: environments in their promotion graph (each takes digests from its upstream environments),
 * the gates a digest must pass to enter one, and the orchestration that moves the very same digest into an environment (copy by digest, deploy with the environment's
 * strategy, record in the {@link io.jenkins.plugins.immutable.ledger ledger}, move the environment's tag last) or
 * returns it to a digest that was live before.
 */
package io.jenkins.plugins.immutable.promote;
