package io.jenkins.plugins.immutable.config;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.Extension;
import hudson.ExtensionList;
import io.jenkins.plugins.immutable.EngineException;
import java.util.ArrayList;
import java.util.List;
import jenkins.model.GlobalConfiguration;
import net.sf.json.JSONObject;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.StaplerRequest2;

/**
 * Registries, keys, scan policy, environments and analysis templates, as the shared schema names them: the same
 * fields as {@code immutable.yaml}, written by Configuration as Code under {@code unclassified: immutableDelivery:}.
 * The engine's records check it ({@link #toDeliveryConfig()}), so the page refuses what a step would later fail on.
 */
@Extension
@Symbol("immutableDelivery")
public class ImmutableDeliveryConfiguration extends GlobalConfiguration {

    private List<RegistryEntry> registries = new ArrayList<>();
    private SigningSettings signing;
    private ScanSettings scan;
    private List<EnvironmentEntry> environments = new ArrayList<>();
    private List<AnalysisTemplateEntry> analysisTemplates = new ArrayList<>();
    private RetentionSettings retention;

    public ImmutableDeliveryConfiguration() {
        load();
    }

    /** The configuration of this Jenkins. */
    public static ImmutableDeliveryConfiguration get() {
        return ExtensionList.lookupSingleton(ImmutableDeliveryConfiguration.class);
    }

    @NonNull
    @Override
    public String getDisplayName() {
        return Messages.ImmutableDeliveryConfiguration_DisplayName();
    }

    public List<RegistryEntry> getRegistries() {
        return registries == null ? List.of() : registries;
    }

    @DataBoundSetter
    public void setRegistries(List<RegistryEntry> registries) {
        this.registries = registries == null ? new ArrayList<>() : new ArrayList<>(registries);
        save();
    }

    public SigningSettings getSigning() {
        return signing;
    }

    @DataBoundSetter
    public void setSigning(SigningSettings signing) {
        this.signing = signing;
        save();
    }

    public ScanSettings getScan() {
        return scan;
    }

    @DataBoundSetter
    public void setScan(ScanSettings scan) {
        this.scan = scan;
        save();
    }

    public List<EnvironmentEntry> getEnvironments() {
        return environments == null ? List.of() : environments;
    }

    @DataBoundSetter
    public void setEnvironments(List<EnvironmentEntry> environments) {
        this.environments = environments == null ? new ArrayList<>() : new ArrayList<>(environments);
        save();
    }

    public List<AnalysisTemplateEntry> getAnalysisTemplates() {
        return analysisTemplates == null ? List.of() : analysisTemplates;
    }

    @DataBoundSetter
    public void setAnalysisTemplates(List<AnalysisTemplateEntry> analysisTemplates) {
        this.analysisTemplates = analysisTemplates == null ? new ArrayList<>() : new ArrayList<>(analysisTemplates);
        save();
    }

    public RetentionSettings getRetention() {
        return retention;
    }

    @DataBoundSetter
    public void setRetention(RetentionSettings retention) {
        this.retention = retention;
        save();
    }

    /**
     * The engine's configuration, checked: cross-references (a gate's key is trusted, a canary's template exists),
     * names, durations, port ranges. Throws {@link EngineException} (BAD_INPUT) saying what to change.
     */
    public DeliveryConfig toDeliveryConfig() {
        return toDeliveryConfig(getRegistries(), signing, scan, getEnvironments(), getAnalysisTemplates(), retention);
    }

    static DeliveryConfig toDeliveryConfig(List<RegistryEntry> registries, SigningSettings signing, ScanSettings scan,
            List<EnvironmentEntry> environments, List<AnalysisTemplateEntry> templates, RetentionSettings retention) {
        List<RegistryConfig> r = new ArrayList<>();
        for (int i = 0; i < registries.size(); i++) {
            r.add(at("registries[" + i + "]", registries.get(i)::toConfig));
        }
        List<EnvironmentConfig> e = new ArrayList<>();
        for (int i = 0; i < environments.size(); i++) {
            e.add(at("environments[" + i + "]", environments.get(i)::toConfig));
        }
        List<AnalysisTemplateConfig> t = new ArrayList<>();
        for (int i = 0; i < templates.size(); i++) {
            t.add(at("analysisTemplates[" + i + "]", templates.get(i)::toConfig));
        }
        SigningConfig s = signing == null ? null : at("signing", signing::toConfig);
        ScanConfig sc = scan == null ? null : at("scan", scan::toConfig);
        RetentionConfig rc = retention == null ? null : at("retention", retention::toConfig);
        return new DeliveryConfig(r, s, sc, e, t, rc);
    }

    /** Runs a record's check, saying which entry of the configuration it is about. */
    private static <T> T at(String where, java.util.function.Supplier<T> make) {
        try {
            return make.get();
        } catch (EngineException e) {
            throw EngineException.badInput(where + ": " + e.getMessage());
        }
    }

    /**
     * Binds the whole page through each section's descriptor, checks it with the engine before anything is kept,
     * and refuses it with the engine's message when it is wrong.
     */
    @Override
    public boolean configure(StaplerRequest2 req, JSONObject json) throws FormException {
        List<RegistryEntry> r = Forms.bindList(req, json.opt("registries"), RegistryEntry.class);
        SigningSettings s = Forms.bind(req, json.opt("signing"), SigningSettings.class);
        ScanSettings sc = Forms.bind(req, json.opt("scan"), ScanSettings.class);
        List<EnvironmentEntry> e = Forms.bindList(req, json.opt("environments"), EnvironmentEntry.class);
        List<AnalysisTemplateEntry> t = Forms.bindList(req, json.opt("analysisTemplates"),
                AnalysisTemplateEntry.class);
        RetentionSettings rs = Forms.bind(req, json.opt("retention"), RetentionSettings.class);
        try {
            toDeliveryConfig(r, s, sc, e, t, rs);
        } catch (EngineException x) {
            throw new FormException(x.getMessage(), "environments");
        }
        registries = new ArrayList<>(r);
        signing = s;
        scan = sc;
        environments = new ArrayList<>(e);
        analysisTemplates = new ArrayList<>(t);
        retention = rs;
        save();
        return true;
    }
}
