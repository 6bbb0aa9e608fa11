package io.jenkins.plugins.immutable.config;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.Extension;
import hudson.model.Descriptor;
import hudson.util.FormValidation;
import java.net.URI;
import jenkins.model.Jenkins;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.verb.POST;

/** Prometheus' HTTP API: {@code source: prometheus}. */
public final class PrometheusMetrics extends MetricsSource {

    private final String url;

    @DataBoundConstructor
    public PrometheusMetrics(String url) {
        this.url = Forms.optional(url);
    }

    public String getUrl() {
        return url;
    }

    @Override
    AnalysisTemplateConfig.SourceConfig toConfig() {
        return new AnalysisTemplateConfig.Prometheus(url);
    }

    @Extension
    @Symbol("prometheus")
    public static final class DescriptorImpl extends Descriptor<MetricsSource> {

        @NonNull
        @Override
        public String getDisplayName() {
            return Messages.PrometheusMetrics_DisplayName();
        }

        @POST
        public FormValidation doCheckUrl(@QueryParameter String value) {
            Jenkins.get().checkPermission(Jenkins.ADMINISTER);
            return Forms.check(() -> {
                new AnalysisTemplateConfig.Prometheus(value);
                URI uri = URI.create(value.strip());
                if (uri.getScheme() == null || uri.getHost() == null) {
                    throw new IllegalArgumentException(Messages.PrometheusMetrics_Url(value));
                }
            });
        }
    }
}
