package io.jenkins.plugins.immutable.steps;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.AbortException;
import hudson.Extension;
import hudson.FilePath;
import hudson.model.Item;
import hudson.model.Result;
import hudson.model.Run;
import hudson.model.TaskListener;
import hudson.remoting.VirtualChannel;
import hudson.util.FormValidation;
import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.ProgressListener;
import io.jenkins.plugins.immutable.actions.ScanReportAction;
import io.jenkins.plugins.immutable.attest.AttestResult;
import io.jenkins.plugins.immutable.attest.Attestor;
import io.jenkins.plugins.immutable.attest.ScanAttestation;
import io.jenkins.plugins.immutable.config.DeliveryConfig;
import io.jenkins.plugins.immutable.config.ScanConfig;
import io.jenkins.plugins.immutable.config.JenkinsProxy;
import io.jenkins.plugins.immutable.config.Wiring;
import io.jenkins.plugins.immutable.registry.HttpProxy;
import io.jenkins.plugins.immutable.image.ImageReference;
import io.jenkins.plugins.immutable.image.Platform;
import io.jenkins.plugins.immutable.scan.ScanOutputs;
import io.jenkins.plugins.immutable.scan.ScanReport;
import io.jenkins.plugins.immutable.sign.SigningKey;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jenkins.MasterToSlaveFileCallable;
import org.jenkinsci.plugins.workflow.actions.WarningAction;
import org.jenkinsci.plugins.workflow.graph.FlowNode;
import org.jenkinsci.plugins.workflow.steps.Step;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.AncestorInPath;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.verb.POST;

/**
 * {@code scanImage}: catalogs an image's packages on the agent (layers streamed from the registry, nothing on disk),
 * matches them against the OSV database there, and judges the findings by the policy. The report is kept on the run
 * (findings, SBOM, SARIF); optionally it is signed on the controller as cosign's vuln attestation, which promotion's
 * scan gate reads. Returns a map of counts by severity with the verdict.
 */
public final class ScanImageStep extends Step {

    private final String image;
    private String database;
    private String failOn;
    private boolean failOnFixableOnly;
    private boolean acceptIncomplete;
    private List<String> ignore;
    private String platform;
    private boolean attest;
    private String key;
    private boolean markUnstable;

    @DataBoundConstructor
    public ScanImageStep(String image) {
        this.image = image;
    }

    public String getImage() {
        return image;
    }

    public String getDatabase() {
        return database;
    }

    @DataBoundSetter
    public void setDatabase(String database) {
        this.database = BakeImageStep.blank(database);
    }

    public String getFailOn() {
        return failOn;
    }

    @DataBoundSetter
    public void setFailOn(String failOn) {
        this.failOn = BakeImageStep.blank(failOn);
    }

    /** Only findings with a fixed version count (also when the configuration counts every finding). */
    public boolean isFailOnFixableOnly() {
        return failOnFixableOnly;
    }

    @DataBoundSetter
    public void setFailOnFixableOnly(boolean failOnFixableOnly) {
        this.failOnFixableOnly = failOnFixableOnly;
    }

    public boolean isAcceptIncomplete() {
        return acceptIncomplete;
    }

    /** Passes a scan that could not read everything (a jar nested too deep, an unreadable archive) on its findings. */
    @DataBoundSetter
    public void setAcceptIncomplete(boolean acceptIncomplete) {
        this.acceptIncomplete = acceptIncomplete;
    }

    /** {@code ID=REASON} entries, added to the configured ignore list. */
    public List<String> getIgnore() {
        return ignore;
    }

    @DataBoundSetter
    public void setIgnore(List<String> ignore) {
        this.ignore = BakeImageStep.list(ignore);
    }

    public String getPlatform() {
        return platform;
    }

    @DataBoundSetter
    public void setPlatform(String platform) {
        this.platform = BakeImageStep.blank(platform);
    }

    public boolean isAttest() {
        return attest;
    }

    @DataBoundSetter
    public void setAttest(boolean attest) {
        this.attest = attest;
    }

    public String getKey() {
        return key;
    }

    @DataBoundSetter
    public void setKey(String key) {
        this.key = BakeImageStep.blank(key);
    }

    public boolean isMarkUnstable() {
        return markUnstable;
    }

    @DataBoundSetter
    public void setMarkUnstable(boolean markUnstable) {
        this.markUnstable = markUnstable;
    }

    @Override
    public StepExecution start(StepContext context) {
        return new Execution(context, this);
    }

    /** The configuration with this step's scan arguments applied. */
    DeliveryConfig withArguments(DeliveryConfig c) throws AbortException {
        ScanConfig s = c.scan();
        List<ScanConfig.IgnoreConfig> ignores = new ArrayList<>(s.ignore());
        for (Map.Entry<String, String> e : Runs.pairs(ignore, "ignore").entrySet()) {
            ignores.add(new ScanConfig.IgnoreConfig(e.getKey(), null, e.getValue(), null));
        }
        try {
            ScanConfig scan = new ScanConfig(database != null ? database : s.database(),
                    failOn != null ? failOn : s.failOn(),
                    failOnFixableOnly || s.failOnFixableOnly(), ignores, acceptIncomplete || s.acceptIncomplete());
            return c.withScan(scan);
        } catch (EngineException e) {
            throw Runs.abort(e);
        }
    }

    static final class Execution extends DeliveryExecution<Map<String, Object>> {

        private static final long serialVersionUID = 1L;

        private final transient ScanImageStep step;

        Execution(StepContext context, ScanImageStep step) {
            super(context);
            this.step = step;
        }

        @Override
        DeliveryConfig configure(DeliveryConfig global) throws AbortException {
            DeliveryConfig config = step.withArguments(global);
            if (config.scan().database() == null) {
                throw new AbortException(Messages.ScanImageStep_NoDatabase());
            }
            return config;
        }

        @Override
        Map<String, Object> perform(StepRun s) throws Exception {
            FilePath workspace = getContext().get(FilePath.class);
            ProgressListener progress = s.progress();
            Run<?, ?> run = s.run();
            String keyId = step.attest ? SignImageStep.keyId(s.config(), step.key) : null;
            try (Wiring controller = s.wiring().build()) {
                ScanReport report = ScanOutputs.parseJson(Runs.onAgent(workspace, new Scan(step.image, step.platform,
                        s.config(), AgentLogins.of(controller), JenkinsProxy.current().orElse(null), s.listener(),
                        Runs.cacheDirectory(workspace))));
                String attestation = null;
                if (keyId != null) {
                    String url = Runs.url(run);
                    try (SigningKey signingKey = controller.signingKey(keyId)) {
                        AttestResult a = new Attestor(controller.registry()).withListener(progress).attest(
                                ScanAttestation.image(report), ScanAttestation.statement(report,
                                        new ScanOutputs.Invocation(Map.of("image", report.image()), url,
                                                run.getExternalizableId(), url)), signingKey);
                        attestation = (a.attestationTag() != null ? a.attestationTag() : a.image()).toString();
                        progress.line(Messages.ScanImageStep_Attested(attestation, keyId));
                    }
                }
                ScanReportAction.add(run, report, attestation);
                s.log(Messages.ScanImageStep_Scanned(report.image(), report.summary()));
                report.reasons().forEach(r -> s.log("  " + r));
                Map<String, Object> result = new LinkedHashMap<>(ScanReportAction.counts(report));
                result.put("passed", report.passed());
                result.put("verdict", ScanReportAction.verdictWord(report));
                result.put("image", report.image());
                result.put("digest", report.digest());
                if (!report.passed()) {
                    String why = Messages.ScanImageStep_Failed(report.image(), String.join("; ", report.reasons()));
                    if (!step.markUnstable) {
                        throw new AbortException(why);
                    }
                    FlowNode node = getContext().get(FlowNode.class);
                    if (node != null) {
                        node.addOrReplaceAction(new WarningAction(Result.UNSTABLE).withMessage(why));
                    }
                    getContext().setResult(Result.UNSTABLE);
                }
                return result;
            }
        }
    }

    /** Runs on the agent: the database is there, and the layers stream from the registry to the agent. */
    static final class Scan extends MasterToSlaveFileCallable<String> {

        private static final long serialVersionUID = 1L;

        private final String image;
        private final String platform;
        private final DeliveryConfig config;
        private final AgentLogins logins;
        private final HttpProxy proxy;
        private final TaskListener listener;
        private final String cacheDirectory;

        Scan(String image, String platform, DeliveryConfig config, AgentLogins logins, HttpProxy proxy,
                TaskListener listener, String cacheDirectory) {
            this.image = image;
            this.platform = platform;
            this.config = config;
            this.logins = logins;
            this.proxy = proxy;
            this.listener = listener;
            this.cacheDirectory = cacheDirectory;
        }

        @Override
        public String invoke(File workspace, VirtualChannel channel) throws IOException {
            // a relative database path is relative to the workspace
            Path db = workspace.toPath().resolve(config.scan().database()).normalize();
            ScanConfig s = config.scan();
            DeliveryConfig here = config.withScan(
                    new ScanConfig(db.toString(), s.failOn(), s.failOnFixableOnly(), s.ignore(), s.acceptIncomplete()));
            try (Wiring w = Runs.agentWiring(here, logins, proxy).listener(Runs.progress(listener))
                    .scanIndexCache(Path.of(cacheDirectory, "osv-index")).build()) {
                ScanReport report = w.scanner().scan(w.registry(), ImageReference.parse(image),
                        platform == null ? null : Platform.parse(platform), w.scanPolicy());
                return ScanOutputs.json(report);
            } catch (EngineException e) {
                throw new IOException(e.getMessage(), e);
            }
        }
    }

    @Extension
    public static final class DescriptorImpl extends DeliveryStepDescriptor {

        @Override
        public String getFunctionName() {
            return "scanImage";
        }

        @POST
        public FormValidation doCheckImage(@AncestorInPath Item item, @QueryParameter String value) {
            checkConfigure(item);
            return checkImage(value, false);
        }

        @POST
        public FormValidation doCheckFailOn(@AncestorInPath Item item, @QueryParameter String value) {
            checkConfigure(item);
            if (value == null || value.isBlank()) {
                return FormValidation.ok();
            }
            try {
                new ScanConfig(null, value, false, null);
                return FormValidation.ok();
            } catch (EngineException e) {
                return FormValidation.error(e.getMessage());
            }
        }

        @NonNull
        @Override
        public String getDisplayName() {
            return Messages.ScanImageStep_DisplayName();
        }

        @Override
        public Set<? extends Class<?>> getRequiredContext() {
            return Set.of(Run.class, TaskListener.class, FilePath.class, FlowNode.class);
        }
    }
}
