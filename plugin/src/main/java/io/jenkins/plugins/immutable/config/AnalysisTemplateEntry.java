package io.jenkins.plugins.immutable.config;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.Extension;
import hudson.model.Describable;
import hudson.model.Descriptor;
import hudson.util.FormValidation;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jenkins.model.Jenkins;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.verb.POST;

/** How a canary is judged: {@code analysisTemplates[]}, named by a canary strategy's {@code analysis}. */
public final class AnalysisTemplateEntry implements Describable<AnalysisTemplateEntry> {

    private final String name;
    private MetricsSource source;
    private String interval;
    private Integer minimumPoints;
    private Double confidence;
    private String marginalTimeout;
    private Integer consecutiveErrorLimit;
    private String errorBackoff;
    private Thresholds thresholds;
    private List<GroupWeight> groups = new ArrayList<>();
    private List<Metric> metrics = new ArrayList<>();

    @DataBoundConstructor
    public AnalysisTemplateEntry(String name) {
        this.name = Forms.optional(name);
    }

    public String getName() {
        return name;
    }

    public MetricsSource getSource() {
        return source;
    }

    @DataBoundSetter
    public void setSource(MetricsSource source) {
        this.source = source;
    }

    public String getInterval() {
        return interval;
    }

    @DataBoundSetter
    public void setInterval(String interval) {
        this.interval = Forms.optional(interval);
    }

    public Integer getMinimumPoints() {
        return minimumPoints;
    }

    @DataBoundSetter
    public void setMinimumPoints(Integer minimumPoints) {
        this.minimumPoints = minimumPoints;
    }

    public Double getConfidence() {
        return confidence;
    }

    @DataBoundSetter
    public void setConfidence(Double confidence) {
        this.confidence = confidence;
    }

    public String getMarginalTimeout() {
        return marginalTimeout;
    }

    @DataBoundSetter
    public void setMarginalTimeout(String marginalTimeout) {
        this.marginalTimeout = Forms.optional(marginalTimeout);
    }

    /** How many errors of the metric source in a row an analysis bears before it is Inconclusive. */
    public Integer getConsecutiveErrorLimit() {
        return consecutiveErrorLimit;
    }

    @DataBoundSetter
    public void setConsecutiveErrorLimit(Integer consecutiveErrorLimit) {
        this.consecutiveErrorLimit = consecutiveErrorLimit;
    }

    /** The first wait before the metric source is asked again after an error; it doubles up to a minute. */
    public String getErrorBackoff() {
        return errorBackoff;
    }

    @DataBoundSetter
    public void setErrorBackoff(String errorBackoff) {
        this.errorBackoff = Forms.optional(errorBackoff);
    }

    public Thresholds getThresholds() {
        return thresholds;
    }

    @DataBoundSetter
    public void setThresholds(Thresholds thresholds) {
        this.thresholds = thresholds;
    }

    public List<GroupWeight> getGroups() {
        return groups == null ? List.of() : groups;
    }

    @DataBoundSetter
    public void setGroups(List<GroupWeight> groups) {
        this.groups = groups == null ? new ArrayList<>() : new ArrayList<>(groups);
    }

    public List<Metric> getMetrics() {
        return metrics == null ? List.of() : metrics;
    }

    @DataBoundSetter
    public void setMetrics(List<Metric> metrics) {
        this.metrics = metrics == null ? new ArrayList<>() : new ArrayList<>(metrics);
    }

    AnalysisTemplateConfig toConfig() {
        Map<String, Double> weights = new LinkedHashMap<>();
        for (GroupWeight g : getGroups()) {
            if (g.getName() != null) {
                weights.put(g.getName(), g.getWeight());
            }
        }
        return new AnalysisTemplateConfig(name, source == null ? null : source.toConfig(), interval, minimumPoints,
                confidence, thresholds == null ? null : thresholds.toConfig(), weights,
                getMetrics().stream().map(Metric::toConfig).toList(), marginalTimeout, consecutiveErrorLimit,
                errorBackoff);
    }

    @Extension
    @Symbol("analysisTemplate")
    public static final class DescriptorImpl extends Descriptor<AnalysisTemplateEntry> {

        @NonNull
        @Override
        public String getDisplayName() {
            return Messages.AnalysisTemplateEntry_DisplayName();
        }

        @POST
        public FormValidation doCheckName(@QueryParameter String value) {
            Jenkins.get().checkPermission(Jenkins.ADMINISTER);
            return Forms.optional(value) == null
                    ? FormValidation.error(Messages.AnalysisTemplateEntry_NameRequired()) : FormValidation.ok();
        }

        @POST
        public FormValidation doCheckInterval(@QueryParameter String value) {
            Jenkins.get().checkPermission(Jenkins.ADMINISTER);
            return Forms.check(() -> Durations.parse(value));
        }

        @POST
        public FormValidation doCheckMarginalTimeout(@QueryParameter String value) {
            Jenkins.get().checkPermission(Jenkins.ADMINISTER);
            return Forms.check(() -> Durations.parse(value));
        }
    }
}
