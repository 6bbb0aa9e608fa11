package io.jenkins.plugins.immutable.analysis;

/**
 * A metric group's score: passes over counted metrics, times 100. A group with no counted metric has no data and
 * counts as 100 in the weighted sum, as in Kayenta (the rule on NoData over half the metrics guards against that).
 *
 * @param weight percent of the summary score
 */
public record GroupScore(String name, double weight, double score, boolean noData, int pass, int high, int low,
                         int noDataFailed, int noDataIgnored) {
}
