package io.jenkins.plugins.immutable.config;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.Extension;
import hudson.model.Describable;
import hudson.model.Descriptor;
import hudson.util.FormValidation;
import hudson.util.ListBoxModel;
import io.jenkins.plugins.immutable.deploy.Environments;
import io.jenkins.plugins.immutable.image.Repository;
import io.jenkins.plugins.immutable.promote.Upstream;
import java.util.List;
import jenkins.model.Jenkins;
import net.sf.json.JSONObject;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.StaplerRequest2;
import org.kohsuke.stapler.verb.POST;

/** One environment, in promotion order or naming its upstream environments: {@code environments[]}. */
public final class EnvironmentEntry implements Describable<EnvironmentEntry> {

    private final String name;
    private final String repository;
    private Integer replicas;
    private Target target;
    private Router router;
    private Strategy strategy;
    private Gates gates;
    private String ledgerKey;
    private List<String> upstream;
    private String requires;

    @DataBoundConstructor
    public EnvironmentEntry(String name, String repository) {
        this.name = Forms.optional(name);
        this.repository = Forms.optional(repository);
    }

    public String getName() {
        return name;
    }

    /** Where the environment's images live; its tag {@code <name>} points at the live digest. */
    public String getRepository() {
        return repository;
    }

    public Integer getReplicas() {
        return replicas;
    }

    @DataBoundSetter
    public void setReplicas(Integer replicas) {
        this.replicas = replicas;
    }

    public Target getTarget() {
        return target;
    }

    @DataBoundSetter
    public void setTarget(Target target) {
        this.target = target;
    }

    public Router getRouter() {
        return router;
    }

    @DataBoundSetter
    public void setRouter(Router router) {
        this.router = router;
    }

    public Strategy getStrategy() {
        return strategy;
    }

    @DataBoundSetter
    public void setStrategy(Strategy strategy) {
        this.strategy = strategy;
    }

    public Gates getGates() {
        return gates;
    }

    @DataBoundSetter
    public void setGates(Gates gates) {
        this.gates = gates;
    }

    public String getLedgerKey() {
        return ledgerKey;
    }

    /** The id of the trusted key the environment's ledger versions are signed with; blank: unsigned. */
    @DataBoundSetter
    public void setLedgerKey(String ledgerKey) {
        this.ledgerKey = Forms.optional(ledgerKey);
    }

    /**
     * The upstream environments; none ({@code []}, fed by builds) as {@code ["[]"]}, which the setter reads back as
     * none: Configuration as Code's export drops an empty list, and a graph's root would then lose its upstream.
     */
    public List<String> getUpstream() {
        return upstream != null && upstream.isEmpty() ? List.of("[]") : upstream;
    }

    /**
     * The environments it takes digests from. The page's one text field gives "staging, perf" (or "[]" for one fed
     * by builds), Configuration as Code a list; nothing written at all (a blank field, no entry): its place in the
     * list says, as in immutable.yaml. An empty list from Configuration as Code is {@code upstream: []}.
     */
    @DataBoundSetter
    public void setUpstream(List<String> upstream) {
        if (upstream == null || !upstream.isEmpty() && upstream.stream().allMatch(u -> u == null || u.isBlank())) {
            this.upstream = null;
        } else {
            this.upstream = List.copyOf(Forms.words(upstream));
        }
    }

    /** The upstream environments as the page's text field shows them: blank, {@code []} or "staging, perf". */
    public String getUpstreamText() {
        return upstream == null ? "" : upstream.isEmpty() ? "[]" : Forms.line(upstream);
    }

    public String getRequires() {
        return requires;
    }

    /** {@code all} (default) or {@code any} of the upstream environments must hold a digest before it comes here. */
    @DataBoundSetter
    public void setRequires(String requires) {
        String given = Forms.optional(requires);
        // "all" is the default: leaving it out keeps the configuration (and its export) as the user wrote it
        this.requires = given == null || given.equalsIgnoreCase(Upstream.Requires.ALL.toString()) ? null : given;
    }

    EnvironmentConfig toConfig() {
        return new EnvironmentConfig(name, repository, replicas, target == null ? null : target.toConfig(),
                router == null ? null : router.toConfig(), strategy == null ? null : strategy.toConfig(),
                gates == null ? null : gates.toConfig(), ledgerKey, upstream, requires);
    }

    @Extension
    @Symbol("environment")
    public static final class DescriptorImpl extends Descriptor<EnvironmentEntry> {

        @NonNull
        @Override
        public String getDisplayName() {
            return Messages.EnvironmentEntry_DisplayName();
        }

        private static final List<String> REQUIRES = java.util.Arrays.stream(Upstream.Requires.values())
                .map(Upstream.Requires::toString).toList();

        /** What an environment without a strategy gets: blue-green, as in immutable.yaml. */
        public Strategy getDefaultStrategy() {
            return new BlueGreenStrategy();
        }

        /** The router's drop-down offers "none" too, which the form sends as a choice without a class. */
        @Override
        public EnvironmentEntry newInstance(StaplerRequest2 req, @NonNull JSONObject formData) throws FormException {
            JSONObject router = formData.optJSONObject("router");
            if (router != null && !router.has("$class") && !router.has("stapler-class")) {
                JSONObject copy = JSONObject.fromObject(formData);
                copy.remove("router");
                return super.newInstance(req, copy);
            }
            return super.newInstance(req, formData);
        }

        @POST
        public FormValidation doCheckName(@QueryParameter String value) {
            Jenkins.get().checkPermission(Jenkins.ADMINISTER);
            return Forms.check(() -> Environments.requireValidName(Forms.optional(value)));
        }

        @POST
        public FormValidation doCheckRepository(@QueryParameter String value) {
            Jenkins.get().checkPermission(Jenkins.ADMINISTER);
            return Forms.check(() -> Repository.parse(value == null ? "" : value.strip()));
        }

        @POST
        public ListBoxModel doFillRequiresItems(@QueryParameter String requires) {
            Jenkins.get().checkPermission(Jenkins.ADMINISTER);
            return Forms.choices(REQUIRES, requires, Upstream.Requires.ALL.toString());
        }

        @POST
        public FormValidation doCheckUpstream(@QueryParameter String value) {
            Jenkins.get().checkPermission(Jenkins.ADMINISTER);
            return Forms.check(() -> Forms.words(List.of(value == null ? "" : value))
                    .forEach(Environments::requireValidName));
        }

        @POST
        public FormValidation doCheckReplicas(@QueryParameter String value) {
            Jenkins.get().checkPermission(Jenkins.ADMINISTER);
            if (value == null || value.isBlank()) {
                return FormValidation.ok();
            }
            try {
                int n = Integer.parseInt(value.strip());
                return n >= 1 ? FormValidation.ok() : FormValidation.error(Messages.EnvironmentEntry_Replicas());
            } catch (NumberFormatException e) {
                return FormValidation.error(Messages.EnvironmentEntry_Replicas());
            }
        }
    }
}
