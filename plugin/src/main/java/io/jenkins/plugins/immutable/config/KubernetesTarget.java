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

/** Deployments in a Kubernetes namespace, kubeconfig from the usual places: {@code target: kubernetes}. */
public final class KubernetesTarget extends Target {

    private final int containerPort;
    private String namespace;
    private String healthCheck;

    @DataBoundConstructor
    public KubernetesTarget(int containerPort) {
        this.containerPort = containerPort;
    }

    public int getContainerPort() {
        return containerPort;
    }

    public String getNamespace() {
        return namespace;
    }

    @DataBoundSetter
    public void setNamespace(String namespace) {
        this.namespace = Forms.optional(namespace);
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
        return new TargetConfig.Kubernetes(namespace, containerPort, healthCheck);
    }

    @Extension
    @Symbol("kubernetes")
    public static final class DescriptorImpl extends Descriptor<Target> {

        @NonNull
        @Override
        public String getDisplayName() {
            return Messages.KubernetesTarget_DisplayName();
        }

        @POST
        public FormValidation doCheckContainerPort(@QueryParameter int value) {
            Jenkins.get().checkPermission(Jenkins.ADMINISTER);
            return Forms.check(() -> new TargetConfig.Kubernetes(null, value, null));
        }
    }
}
