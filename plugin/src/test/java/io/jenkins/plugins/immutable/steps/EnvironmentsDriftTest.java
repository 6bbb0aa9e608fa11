package io.jenkins.plugins.immutable.steps;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import io.jenkins.plugins.immutable.config.ImmutableDeliveryConfiguration;
import io.jenkins.plugins.immutable.ledger.Action;
import io.jenkins.plugins.immutable.ledger.DriftRecord;
import io.jenkins.plugins.immutable.ledger.LedgerEntry;
import io.jenkins.plugins.immutable.ledger.LedgerHistory;
import java.net.URL;
import java.util.List;
import org.htmlunit.HttpMethod;
import org.htmlunit.WebRequest;
import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.junit.After;
import org.junit.ClassRule;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.jvnet.hudson.test.BuildWatcher;
import org.jvnet.hudson.test.JenkinsRule;

/**
 * Check drift on the Environments page compares what runs with the ledger and records the finding in the ledger, as
 * the one who asked; a page that did not run the check (another job's, or after a restart) shows the recorded finding.
 */
public class EnvironmentsDriftTest {

    @ClassRule
    public static BuildWatcher buildWatcher = new BuildWatcher();

    @Rule
    public JenkinsRule r = new JenkinsRule();

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private final Promotions test1 = new Promotions("test1", "29600-29649");

    @After
    public void removeInstances() throws Exception {
        test1.removeInstances();
    }

    @Test
    public void aDriftCheckIsRecordedAndShownWhereItWasNotRun() throws Exception {
        ImmutableDeliveryConfiguration.get().setEnvironments(List.of(test1.entry(null)));
        WorkflowJob p = r.createProject(WorkflowJob.class, "release");
        p.setDefinition(new CpsFlowDefinition("def v1\nnode {\n  " + test1.bake(tmp.getRoot().toPath(), "v1", "1")
                + "}\npromoteImage image: v1, to: 'test1'\n", true));
        r.buildAndAssertSuccess(p);

        r.jenkins.setCrumbIssuer(null); // this is about what the check does, not about crumbs
        JenkinsRule.WebClient wc = r.createWebClient();
        Promotions.environmentsPage(wc, p);
        wc.getPage(new WebRequest(new URL(r.getURL(), p.getUrl() + "immutable-environments/checkDrift"),
                HttpMethod.POST));
        assertThat(Promotions.environmentsPage(wc, p).asNormalizedText(), containsString("as the ledger says"));

        LedgerHistory ledger = test1.ledger();
        LedgerEntry checked = ledger.entries().get(ledger.entries().size() - 1);
        assertEquals(Action.DRIFT, checked.action());
        assertTrue(checked.observation().toString(), ((DriftRecord) checked.observation()).clean());
        assertEquals("the promotion stays live: a check changes nothing", 1,
                ledger.entries().stream().filter(e -> e.action() == Action.PROMOTE).count());

        // another job's page never ran the check: it shows what the ledger recorded, and who recorded it
        WorkflowJob other = r.createProject(WorkflowJob.class, "other");
        String text = Promotions.environmentsPage(wc, other).asNormalizedText();
        assertThat(text, containsString("clean: runs " + ledger.live().get().shortForm()));
        assertThat(text, containsString("recorded " + checked.time() + " by " + checked.actor()));
    }
}
