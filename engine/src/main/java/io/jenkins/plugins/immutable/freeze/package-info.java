/**
 * Freezes and promotion windows: when an environment takes no promotions. A freeze is set and lifted by a person
 * with a reason and recorded in the environment's ledger ({@link io.jenkins.plugins.immutable.freeze.Freezes}); windows
 * are configuration, weekly times in a time zone when promotions are allowed or denied
 * ({@link io.jenkins.plugins.immutable.freeze.PromotionWindows}). The promoter's freeze gate applies both; rollbacks are
 * never stopped by them.
 */
package io.jenkins.plugins.immutable.freeze;
