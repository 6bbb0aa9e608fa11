package io.jenkins.plugins.immutable.config;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.Extension;
import hudson.model.Describable;
import hudson.model.Descriptor;
import org.kohsuke.stapler.DataBoundConstructor;

/**
 * One entry of an analysis template's {@code groups}: a metric group and its weight in percent. immutable.yaml writes
 * the groups as a map ({@code groups: {errors: 70}}); Jenkins' forms and Configuration as Code (which has no maps)
 * write them as a list of these ({@code groups: [{name: errors, weight: 70}]}).
 */
public final class GroupWeight implements Describable<GroupWeight> {

    private final String name;
    private final double weight;

    @DataBoundConstructor
    public GroupWeight(String name, double weight) {
        this.name = Forms.optional(name);
        this.weight = weight;
    }

    public String getName() {
        return name;
    }

    public double getWeight() {
        return weight;
    }

    @Extension
    public static final class DescriptorImpl extends Descriptor<GroupWeight> {

        @NonNull
        @Override
        public String getDisplayName() {
            return Messages.GroupWeight_DisplayName();
        }
    }
}
