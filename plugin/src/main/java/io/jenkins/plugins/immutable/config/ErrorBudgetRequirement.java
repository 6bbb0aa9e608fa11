package io.jenkins.plugins.immutable.config;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.Extension;
import hudson.model.Describable;
import hudson.model.Descriptor;
import hudson.util.FormValidation;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jenkins.model.Jenkins;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.verb.POST;

/**
 * {@code gates.slo}: the error budgets of the upstream environment and this one must not burn too fast, read from
 * Prometheus over several windows. The burn rates are one text here ({@code 1h: 14.4, 5m: 14.4}), where
 * immutable.yaml has a map, because neither the configuration page nor Configuration as Code edits maps.
 */
public final class ErrorBudgetRequirement implements Describable<ErrorBudgetRequirement> {

    private static final Pattern RATE = Pattern.compile("\\s*([^:,\\s]+)\\s*:\\s*([^,\\s]+)\\s*(?:,|$)");

    private final String prometheus;
    private final String errorRatio;
    private String objective;
    private String burnRates;
    private boolean betweenCanarySteps;

    @DataBoundConstructor
    public ErrorBudgetRequirement(String prometheus, String errorRatio) {
        this.prometheus = Forms.optional(prometheus);
        this.errorRatio = Forms.optional(errorRatio);
    }

    public String getPrometheus() {
        return prometheus;
    }

    public String getErrorRatio() {
        return errorRatio;
    }

    public String getObjective() {
        return objective;
    }

    /** The SLO in percent, {@code 99.9}; empty: 99.9. Text, as Configuration as Code binds it reliably. */
    @DataBoundSetter
    public void setObjective(String objective) {
        this.objective = Forms.optional(objective);
    }

    public String getBurnRates() {
        return burnRates;
    }

    /** Windows and thresholds, {@code 1h: 14.4, 5m: 14.4}; empty: that default. */
    @DataBoundSetter
    public void setBurnRates(String burnRates) {
        this.burnRates = Forms.optional(burnRates);
    }

    public boolean isBetweenCanarySteps() {
        return betweenCanarySteps;
    }

    @DataBoundSetter
    public void setBetweenCanarySteps(boolean betweenCanarySteps) {
        this.betweenCanarySteps = betweenCanarySteps;
    }

    GatesConfig.SloConfig toConfig() {
        return new GatesConfig.SloConfig(prometheus, errorRatio, percent(objective), rates(burnRates),
                betweenCanarySteps);
    }

    /** {@code 99.9} as a number; null when empty. */
    static Double percent(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return Double.valueOf(text.strip().replace(',', '.'));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(Messages.ErrorBudgetRequirement_Objective(text));
        }
    }

    /** {@code 1h: 14.4, 5m: 14.4} as a map, in order; the engine checks the windows and numbers. */
    static Map<String, Double> rates(String text) {
        Map<String, Double> rates = new LinkedHashMap<>();
        if (text == null || text.isBlank()) {
            return rates;
        }
        Matcher m = RATE.matcher(text);
        int end = 0;
        while (end < text.length() && m.find(end) && m.start() == end) {
            try {
                rates.put(m.group(1), Double.valueOf(m.group(2)));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(Messages.ErrorBudgetRequirement_BurnRates(text));
            }
            end = m.end();
        }
        if (end < text.strip().length() && !text.substring(end).isBlank()) {
            throw new IllegalArgumentException(Messages.ErrorBudgetRequirement_BurnRates(text));
        }
        return rates;
    }

    @Extension
    public static final class DescriptorImpl extends Descriptor<ErrorBudgetRequirement> {

        private static final String EXAMPLE = "sum(rate(haproxy_backend_http_responses_total{${scope},code=\"5xx\"}"
                + "[${window}])) / sum(rate(haproxy_backend_http_responses_total{${scope}}[${window}]))";

        @NonNull
        @Override
        public String getDisplayName() {
            return Messages.ErrorBudgetRequirement_DisplayName();
        }

        @POST
        public FormValidation doCheckPrometheus(@QueryParameter String value) {
            Jenkins.get().checkPermission(Jenkins.ADMINISTER);
            return Forms.check(() -> new GatesConfig.SloConfig(value, EXAMPLE, null, null, false));
        }

        @POST
        public FormValidation doCheckErrorRatio(@QueryParameter String value) {
            Jenkins.get().checkPermission(Jenkins.ADMINISTER);
            return Forms.check(() -> new GatesConfig.SloConfig("http://prometheus", value, null, null, false));
        }

        @POST
        public FormValidation doCheckObjective(@QueryParameter String value) {
            Jenkins.get().checkPermission(Jenkins.ADMINISTER);
            return Forms.check(() -> new GatesConfig.SloConfig("http://prometheus", EXAMPLE, percent(value), null,
                    false));
        }

        @POST
        public FormValidation doCheckBurnRates(@QueryParameter String value) {
            Jenkins.get().checkPermission(Jenkins.ADMINISTER);
            return Forms.check(() -> new GatesConfig.SloConfig("http://prometheus", EXAMPLE, null, rates(value),
                    false));
        }
    }
}
