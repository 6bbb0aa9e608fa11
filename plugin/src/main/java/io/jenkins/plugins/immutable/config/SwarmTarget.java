package io.jenkins.plugins.immutable.config;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.Extension;
import hudson.model.Descriptor;
import hudson.util.FormValidation;
import jenkins.model.Jenkins;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.verb.POST;

/** Docker Swarm services: {@code target: swarm}. */
public final class SwarmTarget extends Target {

    private final String ports;
    private String host;
    private String healthCheck;

    @DataBoundConstructor
    public SwarmTarget(String ports) {
        this.ports = Forms.optional(ports);
    }

    public String getPorts() {
        return ports;
    }

    public String getHost() {
        return host;
    }

    @DataBoundSetter
    public void setHost(String host) {
        this.host = Forms.optional(host);
    }

    public String getHealthCheck() {
        return healthCheck;
    }

    @DataBoundSetter
    public void setHealthCheck(String healthCheck) {
        this.healthCheck = Forms.optional(healthCheck);
    }

    @Override
    TargetConfig toConfig() {
        return new TargetConfig.Swarm(host, ports, healthCheck);
    }

    @Extension
    @Symbol("swarm")
    public static final class DescriptorImpl extends Descriptor<Target> {

        @NonNull
        @Override
        public String getDisplayName() {
            return Messages.SwarmTarget_DisplayName();
        }

        @POST
        public FormValidation doCheckPorts(@QueryParameter String value) {
            Jenkins.get().checkPermission(Jenkins.ADMINISTER);
            return Forms.check(() -> new TargetConfig.Swarm(null, value, null));
        }
    }
}
