package io.jenkins.plugins.immutable.config;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.Extension;
import hudson.model.Descriptor;
import hudson.util.FormValidation;
import jenkins.model.Jenkins;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.verb.POST;

/** HAProxy's own per-server statistics through its runtime API socket: {@code source: haproxy}. */
public final class HaproxyMetrics extends MetricsSource {

    private final String socket;

    @DataBoundConstructor
    public HaproxyMetrics(String socket) {
        this.socket = Forms.optional(socket);
    }

    public String getSocket() {
        return socket;
    }

    @Override
    AnalysisTemplateConfig.SourceConfig toConfig() {
        return new AnalysisTemplateConfig.Haproxy(socket);
    }

    @Extension
    @Symbol("haproxy")
    public static final class DescriptorImpl extends Descriptor<MetricsSource> {

        @NonNull
        @Override
        public String getDisplayName() {
            return Messages.HaproxyMetrics_DisplayName();
        }

        @POST
        public FormValidation doCheckSocket(@QueryParameter String value) {
            Jenkins.get().checkPermission(Jenkins.ADMINISTER);
            return Forms.check(() -> new AnalysisTemplateConfig.Haproxy(value));
        }
    }
}
