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

/** HAProxy driven through its runtime API socket: {@code router: haproxy}. */
public final class HaproxyRouter extends Router {

    private final String socket;

    @DataBoundConstructor
    public HaproxyRouter(String socket) {
        this.socket = Forms.optional(socket);
    }

    public String getSocket() {
        return socket;
    }

    @Override
    RouterConfig toConfig() {
        return new RouterConfig.Haproxy(socket);
    }

    @Extension
    @Symbol("haproxy")
    public static final class DescriptorImpl extends Descriptor<Router> {

        @NonNull
        @Override
        public String getDisplayName() {
            return Messages.HaproxyRouter_DisplayName();
        }

        @POST
        public FormValidation doCheckSocket(@QueryParameter String value) {
            Jenkins.get().checkPermission(Jenkins.ADMINISTER);
            return Forms.check(() -> new RouterConfig.Haproxy(value));
        }
    }
}
