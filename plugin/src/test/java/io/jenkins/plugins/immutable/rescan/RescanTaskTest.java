package io.jenkins.plugins.immutable.rescan;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import hudson.ExtensionList;
import hudson.util.StreamTaskListener;
import io.jenkins.plugins.immutable.ProgressListener;
import io.jenkins.plugins.immutable.actions.EnvironmentsAction;
import io.jenkins.plugins.immutable.config.DockerTarget;
import io.jenkins.plugins.immutable.config.EnvironmentEntry;
import io.jenkins.plugins.immutable.config.ImmutableDeliveryConfiguration;
import io.jenkins.plugins.immutable.config.ScanSettings;
import io.jenkins.plugins.immutable.image.ImageReference;
import io.jenkins.plugins.immutable.image.Repository;
import io.jenkins.plugins.immutable.ledger.Event;
import io.jenkins.plugins.immutable.ledger.Ledger;
import io.jenkins.plugins.immutable.ledger.LedgerLocation;
import io.jenkins.plugins.immutable.ledger.Outcome;
import io.jenkins.plugins.immutable.registry.RegistryClient;
import io.jenkins.plugins.immutable.testing.Fixtures;
import io.jenkins.plugins.immutable.testing.Stack;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.htmlunit.html.DomElement;
import org.htmlunit.html.DomNode;
import org.htmlunit.html.HtmlPage;
import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.jvnet.hudson.test.JenkinsRule;

/**
 * Jenkins' periodic re-scan of what is live: a digest that fails its policy today makes the administrative monitor
 * name its environment; under a policy it passes, the monitor is quiet.
 */
public class RescanTaskTest {

    @Rule
    public JenkinsRule r = new JenkinsRule();

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private String runTask() throws Exception {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        RescanTask.get().execute(new StreamTaskListener(log, StandardCharsets.UTF_8));
        return log.toString(StandardCharsets.UTF_8);
    }

    @Test
    public void aLiveDigestFailingItsPolicyTodayIsShownToAdministratorsUntilThePolicyPassesIt() throws Exception {
        Repository repo = new Repository(Stack.registry(), "plugin-rescan/app-" + System.nanoTime());
        WorkflowJob p = r.createProject(WorkflowJob.class);
        p.setDefinition(new CpsFlowDefinition("node {\n  def image = bakeImage image: '" + repo + ":1', layers: ['"
                + Fixtures.webService(tmp.getRoot().toPath(), "1") + "/:/'], cmd: " + Fixtures.WEB_SERVICE_COMMAND
                + "\n  echo \"baked=${image}\"\n}\n", true));
        WorkflowRun b = r.buildAndAssertSuccess(p);
        String baked = b.getLog().lines().filter(l -> l.startsWith("baked=")).findFirst().orElseThrow()
                .substring("baked=".length());
        ImageReference image = ImageReference.parse(baked);
        RegistryClient client = RegistryClient.builder().build();
        LedgerLocation prod = new LedgerLocation(repo, "prod");
        Ledger ledger = new Ledger(client);
        ledger.record(prod, Event.promotion(image.digest(), Outcome.DEPLOYED, "ci"), ProgressListener.NONE);
        ledger.moveTag(prod, image.digest());

        EnvironmentEntry e = new EnvironmentEntry("prod", repo.toString());
        DockerTarget target = new DockerTarget("28220-28239");
        target.setHost(Stack.dockerHost());
        e.setTarget(target);
        ImmutableDeliveryConfiguration c = ImmutableDeliveryConfiguration.get();
        c.setEnvironments(List.of(e));
        ScanSettings strict = Fixtures.scan("medium");
        strict.setRescanInterval("1s");
        c.setScan(strict);
        AtRiskMonitor monitor = ExtensionList.lookupSingleton(AtRiskMonitor.class);
        assertFalse(monitor.isActivated());

        Thread.sleep(1100); // one interval since Jenkins started
        String log = runTask();
        assertTrue(log, monitor.isActivated());
        assertEquals(log, 1, monitor.getEnvironments().size());
        assertTrue(monitor.getEnvironments().get(0), monitor.getEnvironments().get(0).contains("prod"));
        String page = r.createWebClient().goTo("manage/").asNormalizedText();
        assertTrue("Manage Jenkins shows it", page.contains("fail their scan policy"));
        HtmlPage environments = environmentsPage(p);
        DomNode cell = environments.querySelector("[data-immutable-rescan]");
        assertEquals(environments.asNormalizedText(), "AT_RISK", ((DomElement) cell).getAttribute(
                "data-immutable-rescan"));
        assertTrue(environments.asNormalizedText(), environments.asNormalizedText().contains("at risk"));
        EnvironmentsAction.EnvironmentRow row = p.getAction(EnvironmentsAction.class).getEnvironments().get(0);
        assertTrue(row.isAtRisk());
        assertEquals(monitor.getEnvironments().get(0), row.getRescanMessage());

        ScanSettings lenient = Fixtures.scan("critical");
        lenient.setRescanInterval("1s");
        c.setScan(lenient);
        Thread.sleep(1100);
        log = runTask();
        assertFalse(log, monitor.isActivated());
        environments = environmentsPage(p);
        cell = environments.querySelector("[data-immutable-rescan]");
        assertEquals(environments.asNormalizedText(), "PASSING", ((DomElement) cell).getAttribute(
                "data-immutable-rescan"));
    }

    /** The job's Environments page once its ledgers were read (the page reads them in the background). */
    private HtmlPage environmentsPage(WorkflowJob job) throws Exception {
        JenkinsRule.WebClient wc = r.createWebClient();
        long deadline = System.currentTimeMillis() + 60_000;
        while (true) {
            HtmlPage page = wc.getPage(job, "immutable-environments");
            if (page.querySelector("[data-immutable-reading]") == null) {
                return page;
            }
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("the Environments page still reads after a minute");
            }
            Thread.sleep(500);
        }
    }
}
