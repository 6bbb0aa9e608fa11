package io.jenkins.plugins.immutable.steps;

import hudson.AbortException;
import hudson.FilePath;
import hudson.PluginWrapper;
import hudson.model.Cause;
import hudson.model.Computer;
import hudson.model.Node;
import hudson.model.Run;
import hudson.model.TaskListener;
import hudson.slaves.WorkspaceList;
import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.ProgressListener;
import io.jenkins.plugins.immutable.config.CredentialResolver;
import io.jenkins.plugins.immutable.config.DeliveryConfig;
import io.jenkins.plugins.immutable.config.ImmutableDeliveryConfiguration;
import io.jenkins.plugins.immutable.config.JenkinsWiring;
import io.jenkins.plugins.immutable.config.Wiring;
import io.jenkins.plugins.immutable.registry.HttpProxy;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import jenkins.model.Jenkins;

/** What the steps share about the run they serve: who and what it is, its log, the configuration. */
final class Runs {

    private Runs() {
    }

    /** The run's URL, which ledgers, provenance and deployments record as who did it; its id without a root URL. */
    static String url(Run<?, ?> run) {
        String root = Jenkins.get().getRootUrl();
        return root == null ? run.getExternalizableId() : root + run.getUrl();
    }

    /** Who asks, for the ledger: the user who started the run, else Jenkins with the job's name. */
    static String actor(Run<?, ?> run) {
        Cause.UserIdCause user = run.getCause(Cause.UserIdCause.class);
        if (user != null && user.getUserId() != null) {
            return user.getUserId();
        }
        return "jenkins:" + run.getParent().getFullName();
    }

    /** What started the run, in Jenkins' words (provenance's invokedBy). */
    static String invokedBy(Run<?, ?> run) {
        List<Cause> causes = run.getCauses();
        return causes.isEmpty() ? null
                : causes.stream().map(Cause::getShortDescription).collect(Collectors.joining("; "));
    }

    /** This plugin's version, for the provenance's builder version. */
    static String pluginVersion() {
        Jenkins jenkins = Jenkins.get();
        PluginWrapper plugin = jenkins.getPluginManager().whichPlugin(Runs.class);
        return plugin == null ? "unknown" : plugin.getVersion();
    }

    /** The engine's progress lines, into the build log. */
    static ProgressListener progress(TaskListener listener) {
        return line -> listener.getLogger().println(line);
    }

    /** The global configuration, checked; an error says what to fix on the configuration page. */
    static DeliveryConfig config() throws AbortException {
        try {
            return ImmutableDeliveryConfiguration.get().toDeliveryConfig();
        } catch (EngineException e) {
            throw new AbortException(Messages.Runs_BadConfiguration(e.getMessage()));
        }
    }

    /** The engine wired to {@code credentials} and to Jenkins' proxy, on the controller. */
    static Wiring.Builder wiring(DeliveryConfig config, CredentialResolver credentials) {
        return JenkinsWiring.builder(config, credentials);
    }

    /** The engine on an agent: the logins and the proxy came with the work from the controller. */
    static Wiring.Builder agentWiring(DeliveryConfig config, CredentialResolver logins, HttpProxy proxy) {
        Wiring.Builder b = Wiring.builder(config, logins);
        if (proxy != null) {
            b.proxy(proxy);
        }
        return b;
    }

    /** An engine error as the step's failure: its kind and message (what is wrong, what to do), no stack trace. */
    static AbortException abort(EngineException e) {
        return Failures.abort(e);
    }

    /**
     * Runs work on the agent of the workspace; an engine error there (wrapped to cross the channel) fails the step
     * with its own message.
     */
    static <T> T onAgent(FilePath workspace, FilePath.FileCallable<T> work) throws Exception {
        try {
            return workspace.act(work);
        } catch (IOException e) {
            if (e.getCause() instanceof EngineException engine) {
                throw Failures.forStep(engine);
            }
            throw e;
        }
    }

    /** Where an agent keeps what is worth keeping between builds (layer cache, OSV index), beside its other caches. */
    static String cacheDirectory(FilePath workspace) {
        Computer computer = workspace.toComputer();
        Node node = computer == null ? null : computer.getNode();
        FilePath root = node == null ? null : node.getRootPath();
        if (root != null) {
            return root.child("caches").child("immutable-delivery").getRemote();
        }
        FilePath temp = WorkspaceList.tempDir(workspace);
        // tempDir is null only for a workspace at the file system's root; keep the cache inside it then
        return (temp != null ? temp : workspace.child(".immutable-delivery")).child("immutable-delivery").getRemote();
    }

    /** {@code NAME=VALUE} entries (as {@code withEnv} writes them) as a map, in order. */
    static Map<String, String> pairs(List<String> entries, String parameter) throws AbortException {
        Map<String, String> map = new LinkedHashMap<>();
        if (entries != null) {
            for (String e : entries) {
                int eq = e == null ? -1 : e.indexOf('=');
                if (eq <= 0) {
                    throw new AbortException(Messages.Runs_BadPair(parameter, e));
                }
                map.put(e.substring(0, eq), e.substring(eq + 1));
            }
        }
        return map;
    }
}
