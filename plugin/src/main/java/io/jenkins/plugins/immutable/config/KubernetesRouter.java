package io.jenkins.plugins.immutable.config;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.Extension;
import hudson.model.Descriptor;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.DataBoundConstructor;

/** A Service named after the environment whose selector switches between tracks: {@code router: kubernetes}. */
public final class KubernetesRouter extends Router {

    @DataBoundConstructor
    public KubernetesRouter() {
    }

    @Override
    RouterConfig toConfig() {
        return new RouterConfig.Kubernetes();
    }

    @Extension
    @Symbol("kubernetes")
    public static final class DescriptorImpl extends Descriptor<Router> {

        @NonNull
        @Override
        public String getDisplayName() {
            return Messages.KubernetesRouter_DisplayName();
        }
    }
}
