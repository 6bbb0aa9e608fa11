package io.jenkins.plugins.immutable.config;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.Extension;
import hudson.model.Describable;
import hudson.model.Descriptor;
import java.util.ArrayList;
import java.util.List;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

/** {@code gates.provenance}: which builders and source repositories a digest's signed provenance must name. */
public final class ProvenanceRequirement implements Describable<ProvenanceRequirement> {

    private List<String> builderIds = new ArrayList<>();
    private List<String> sourceRepositories = new ArrayList<>();

    @DataBoundConstructor
    public ProvenanceRequirement() {
    }

    public List<String> getBuilderIds() {
        return builderIds == null ? List.of() : builderIds;
    }

    /** Entries ending in {@code *} match by prefix; the form's text may list several, one per line. */
    @DataBoundSetter
    public void setBuilderIds(List<String> builderIds) {
        this.builderIds = Forms.words(builderIds);
    }

    public List<String> getSourceRepositories() {
        return sourceRepositories == null ? List.of() : sourceRepositories;
    }

    @DataBoundSetter
    public void setSourceRepositories(List<String> sourceRepositories) {
        this.sourceRepositories = Forms.words(sourceRepositories);
    }

    /** The lists one per line, for the form's text areas. */
    public String getBuilderIdsText() {
        return String.join("\n", getBuilderIds());
    }

    public String getSourceRepositoriesText() {
        return String.join("\n", getSourceRepositories());
    }

    GatesConfig.ProvenanceConfig toConfig() {
        return new GatesConfig.ProvenanceConfig(getBuilderIds(), getSourceRepositories());
    }

    @Extension
    public static final class DescriptorImpl extends Descriptor<ProvenanceRequirement> {

        @NonNull
        @Override
        public String getDisplayName() {
            return Messages.ProvenanceRequirement_DisplayName();
        }
    }
}
