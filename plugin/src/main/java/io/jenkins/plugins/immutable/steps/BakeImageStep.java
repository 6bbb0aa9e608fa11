package io.jenkins.plugins.immutable.steps;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.AbortException;
import hudson.EnvVars;
import hudson.Extension;
import hudson.FilePath;
import hudson.model.Item;
import hudson.model.Run;
import hudson.model.TaskListener;
import hudson.util.FormValidation;
import io.jenkins.plugins.immutable.actions.ProvenanceAction;
import io.jenkins.plugins.immutable.bake.BakeResult;
import io.jenkins.plugins.immutable.bake.Invocation;
import io.jenkins.plugins.immutable.config.JenkinsProxy;
import io.jenkins.plugins.immutable.config.Wiring;
import io.jenkins.plugins.immutable.image.ImageReference;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jenkinsci.plugins.workflow.steps.Step;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.AncestorInPath;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.verb.POST;

/**
 * {@code bakeImage}: builds an image once on the agent (on its Docker engine from a Dockerfile, or daemonless from
 * workspace files), pushes it, records its provenance on the run, and returns it pinned:
 * {@code host/repo@sha256:...}.
 */
public final class BakeImageStep extends Step {

    private final String image;
    private String context;
    private String dockerfile;
    private List<String> buildArgs;
    private String target;
    private String platform;
    private boolean pull;
    private boolean noCache;
    private List<String> labels;
    private boolean allowLatest;
    private List<String> layers;
    private String from;
    private List<String> entrypoint;
    private List<String> cmd;
    private List<String> env;
    private String workdir;
    private String user;
    private List<String> expose;
    private String sourceRepository;
    private String sourceCommit;
    private String version;

    @DataBoundConstructor
    public BakeImageStep(String image) {
        this.image = image;
    }

    /** Where to push: {@code registry/repository[:tag]}. */
    public String getImage() {
        return image;
    }

    public String getContext() {
        return context;
    }

    @DataBoundSetter
    public void setContext(String context) {
        this.context = blank(context);
    }

    public String getDockerfile() {
        return dockerfile;
    }

    @DataBoundSetter
    public void setDockerfile(String dockerfile) {
        this.dockerfile = blank(dockerfile);
    }

    public List<String> getBuildArgs() {
        return buildArgs;
    }

    @DataBoundSetter
    public void setBuildArgs(List<String> buildArgs) {
        this.buildArgs = list(buildArgs);
    }

    public String getTarget() {
        return target;
    }

    @DataBoundSetter
    public void setTarget(String target) {
        this.target = blank(target);
    }

    public String getPlatform() {
        return platform;
    }

    @DataBoundSetter
    public void setPlatform(String platform) {
        this.platform = blank(platform);
    }

    public boolean isPull() {
        return pull;
    }

    @DataBoundSetter
    public void setPull(boolean pull) {
        this.pull = pull;
    }

    public boolean isNoCache() {
        return noCache;
    }

    @DataBoundSetter
    public void setNoCache(boolean noCache) {
        this.noCache = noCache;
    }

    public List<String> getLabels() {
        return labels;
    }

    @DataBoundSetter
    public void setLabels(List<String> labels) {
        this.labels = list(labels);
    }

    public boolean isAllowLatest() {
        return allowLatest;
    }

    @DataBoundSetter
    public void setAllowLatest(boolean allowLatest) {
        this.allowLatest = allowLatest;
    }

    public List<String> getLayers() {
        return layers;
    }

    @DataBoundSetter
    public void setLayers(List<String> layers) {
        this.layers = list(layers);
    }

    public String getFrom() {
        return from;
    }

    @DataBoundSetter
    public void setFrom(String from) {
        this.from = blank(from);
    }

    public List<String> getEntrypoint() {
        return entrypoint;
    }

    @DataBoundSetter
    public void setEntrypoint(List<String> entrypoint) {
        this.entrypoint = list(entrypoint);
    }

    public List<String> getCmd() {
        return cmd;
    }

    @DataBoundSetter
    public void setCmd(List<String> cmd) {
        this.cmd = list(cmd);
    }

    public List<String> getEnv() {
        return env;
    }

    @DataBoundSetter
    public void setEnv(List<String> env) {
        this.env = list(env);
    }

    public String getWorkdir() {
        return workdir;
    }

    @DataBoundSetter
    public void setWorkdir(String workdir) {
        this.workdir = blank(workdir);
    }

    public String getUser() {
        return user;
    }

    @DataBoundSetter
    public void setUser(String user) {
        this.user = blank(user);
    }

    public List<String> getExpose() {
        return expose;
    }

    @DataBoundSetter
    public void setExpose(List<String> expose) {
        this.expose = list(expose);
    }

    public String getSourceRepository() {
        return sourceRepository;
    }

    @DataBoundSetter
    public void setSourceRepository(String sourceRepository) {
        this.sourceRepository = blank(sourceRepository);
    }

    public String getSourceCommit() {
        return sourceCommit;
    }

    @DataBoundSetter
    public void setSourceCommit(String sourceCommit) {
        this.sourceCommit = blank(sourceCommit);
    }

    public String getVersion() {
        return version;
    }

    @DataBoundSetter
    public void setVersion(String version) {
        this.version = blank(version);
    }

    static String blank(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }

    /**
     * A list argument: as Pipeline gives it, or as the Snippet Generator's text area does (one entry per line).
     * Null when empty, so that an unset argument stays out of generated snippets.
     */
    static List<String> list(List<String> l) {
        List<String> entries = new ArrayList<>();
        if (l != null) {
            for (String e : l) {
                if (e != null) {
                    for (String line : e.split("\\r?\\n")) {
                        if (!line.isBlank()) {
                            entries.add(line.strip());
                        }
                    }
                }
            }
        }
        return entries.isEmpty() ? null : entries;
    }

    @Override
    public StepExecution start(StepContext context) {
        return new Execution(context, this);
    }

    /** Short: the build runs on the agent and finishes in one go, so a restart in the middle fails the step. */
    static final class Execution extends DeliveryExecution<String> {

        private static final long serialVersionUID = 1L;

        private final transient BakeImageStep step;

        Execution(StepContext context, BakeImageStep step) {
            super(context);
            this.step = step;
        }

        @Override
        String perform(StepRun s) throws Exception {
            FilePath workspace = getContext().get(FilePath.class);
            EnvVars env = getContext().get(EnvVars.class);
            BakeSpec spec = step.spec(env);
            AgentLogins logins;
            try (Wiring controller = s.wiring().build()) {
                logins = AgentLogins.of(controller);
            }
            Run<?, ?> run = s.run();
            Invocation invocation = new Invocation(Runs.url(run), Runs.pluginVersion(), Runs.invokedBy(run),
                    run.getExternalizableId());
            BakeResult result = Runs.onAgent(workspace, new BakeOnAgent(spec, s.config(), logins,
                    JenkinsProxy.current().orElse(null), new LinkedHashMap<>(env), s.listener(), invocation,
                    Runs.cacheDirectory(workspace)));
            ProvenanceAction.of(run).add(result);
            ImageReference pinned = result.image().withoutTag();
            s.log(Messages.BakeImageStep_Baked(result.image(), result.layers(), result.layersPushed(), pinned));
            return pinned.toString();
        }
    }

    /** The arguments, checked, in plain serializable form for the agent. */
    BakeSpec spec(Map<String, String> environment) throws AbortException {
        if (image == null || image.isBlank()) {
            throw new AbortException(Messages.BakeImageStep_ImageRequired());
        }
        boolean daemonless = layers != null;
        if (daemonless && (dockerfile != null || buildArgs != null || target != null || pull || noCache
                || context != null)) {
            throw new AbortException(Messages.BakeImageStep_Mixed());
        }
        if (!daemonless && (from != null || entrypoint != null || cmd != null || env != null || workdir != null
                || user != null || expose != null)) {
            throw new AbortException(Messages.BakeImageStep_DaemonlessOnly());
        }
        String repository = sourceRepository != null ? sourceRepository : blank(environment.get("GIT_URL"));
        String commit = sourceCommit != null ? sourceCommit : blank(environment.get("GIT_COMMIT"));
        return new BakeSpec(image.strip(), context == null ? "." : context, dockerfile,
                Runs.pairs(buildArgs, "buildArgs"), target, platform, pull, noCache, Runs.pairs(labels, "labels"),
                allowLatest, layers == null ? List.of() : List.copyOf(layers), from,
                entrypoint == null ? null : List.copyOf(entrypoint), cmd == null ? null : List.copyOf(cmd),
                Runs.pairs(env, "env"), workdir, user, expose == null ? List.of() : List.copyOf(expose),
                repository, commit, version);
    }

    @Extension
    public static final class DescriptorImpl extends DeliveryStepDescriptor {

        @Override
        public String getFunctionName() {
            return "bakeImage";
        }

        @POST
        public FormValidation doCheckImage(@AncestorInPath Item item, @QueryParameter String value) {
            checkConfigure(item);
            if (value != null && value.contains("@")) {
                return FormValidation.error(Messages.BakeImageStep_NoDigest());
            }
            return checkImage(value, false);
        }

        @NonNull
        @Override
        public String getDisplayName() {
            return Messages.BakeImageStep_DisplayName();
        }

        @Override
        public Set<? extends Class<?>> getRequiredContext() {
            return Set.of(Run.class, TaskListener.class, FilePath.class, EnvVars.class);
        }
    }
}
