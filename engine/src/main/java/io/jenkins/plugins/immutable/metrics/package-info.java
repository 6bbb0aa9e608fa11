/**
 * Delivery metrics computed from what the engine records: the environments' ledgers, the deployment journals kept in
 * their earlier versions, and the provenance and scan attestations of the live digests. One model
 * ({@link io.jenkins.plugins.immutable.metrics.DeliveryMetrics}) per time window, per environment and overall, with a
 * time series by day or week, written as JSON ({@link io.jenkins.plugins.immutable.metrics.MetricsJson}) or as an
 * OpenMetrics exposition ({@link io.jenkins.plugins.immutable.metrics.OpenMetrics}). docs/metrics.md defines each
 * figure.
 */
package io.jenkins.plugins.immutable.metrics;
