package io.jenkins.plugins.immutable.steps;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.greaterThan;

import hudson.ProxyConfiguration;
import hudson.model.Result;
import io.jenkins.plugins.immutable.config.ImmutableDeliveryConfiguration;
import io.jenkins.plugins.immutable.testing.Fixtures;
import io.jenkins.plugins.immutable.testing.Stack;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Arrays;
import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.junit.Before;
import org.junit.ClassRule;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.jvnet.hudson.test.BuildWatcher;
import org.jvnet.hudson.test.JenkinsRule;

/**
 * The steps reach registries through Jenkins' own proxy configuration (Manage Jenkins > System > HTTP Proxy
 * Configuration): the stack's tinyproxy, with a login, whose log shows each request it forwarded.
 */
public class ProxyTest {

    @ClassRule
    public static BuildWatcher buildWatcher = new BuildWatcher();

    @Rule
    public JenkinsRule r = new JenkinsRule();

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private final String repository = Stack.registry() + "/" + Stack.uniqueRepository("plugin-proxy");

    @Before
    public void signing() throws Exception {
        ImmutableDeliveryConfiguration.get().setSigning(Fixtures.signing("release"));
    }

    private void proxy(String password) {
        String[] address = Stack.proxy().split(":");
        r.jenkins.setProxy(new ProxyConfiguration(address[0], Integer.parseInt(address[1]), Stack.proxyUser(),
                password, ""));
    }

    private long logSize() throws IOException {
        return Files.size(Stack.proxyLog());
    }

    /** The proxy's log lines since {@code from} that name this test's repository. */
    private long requestsSince(long from) throws IOException {
        byte[] all = Files.readAllBytes(Stack.proxyLog());
        String since = new String(Arrays.copyOfRange(all, (int) Math.min(from, all.length), all.length),
                StandardCharsets.UTF_8);
        String name = repository.substring(repository.indexOf('/') + 1);
        return since.lines().filter(l -> l.contains("Request (") && l.contains(name)).count();
    }

    private WorkflowRun run(Result expected) throws Exception {
        WorkflowJob p = r.createProject(WorkflowJob.class);
        p.setDefinition(new CpsFlowDefinition("def image\nnode {\n  image = bakeImage image: '" + repository
                + ":1', layers: ['" + Fixtures.webService(tmp.getRoot().toPath(), "1") + "/:/'], cmd: "
                + Fixtures.WEB_SERVICE_COMMAND + "\n}\n"
                + "def signed = signImage image: image\n"
                + "verifyImage image: signed\n", true));
        return r.assertBuildStatus(expected, p.scheduleBuild2(0));
    }

    @Test
    public void bakeSignAndVerifyGoThroughJenkinsProxy() throws Exception {
        proxy(Stack.proxyPassword());
        long before = logSize();
        WorkflowRun b = run(Result.SUCCESS);
        // the bake (on the built-in node's agent side), the signature and the verification all passed through it
        assertThat(requestsSince(before), greaterThan(5L));
        r.assertLogNotContains(Stack.proxyPassword(), b);
    }

    @Test
    public void aWrongProxyPasswordFailsTheStepNamingTheProxyNotThePassword() throws Exception {
        String wrong = "not-the-proxy-password-" + System.nanoTime();
        proxy(wrong);
        WorkflowRun b = run(Result.FAILURE);
        r.assertLogContains("the proxy " + Stack.proxy() + " refused the credentials of user '" + Stack.proxyUser()
                + "'", b);
        r.assertLogNotContains(wrong, b);
    }
}
