package io.jenkins.plugins.immutable.steps;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;

import hudson.model.Item;
import hudson.model.Result;
import io.jenkins.plugins.immutable.actions.DecisionAction;
import io.jenkins.plugins.immutable.actions.PendingDecision;
import io.jenkins.plugins.immutable.config.AnalysisTemplateEntry;
import io.jenkins.plugins.immutable.config.GroupWeight;
import io.jenkins.plugins.immutable.config.ImmutableDeliveryConfiguration;
import io.jenkins.plugins.immutable.config.Metric;
import io.jenkins.plugins.immutable.config.PrometheusMetrics;
import io.jenkins.plugins.immutable.config.Thresholds;
import io.jenkins.plugins.immutable.ledger.LedgerEntry;
import io.jenkins.plugins.immutable.ledger.Outcome;
import io.jenkins.plugins.immutable.testing.Stack;
import java.net.URL;
import java.util.List;
import jenkins.model.Jenkins;
import org.htmlunit.FailingHttpStatusCodeException;
import org.htmlunit.HttpMethod;
import org.htmlunit.WebRequest;
import org.htmlunit.html.HtmlForm;
import org.htmlunit.html.HtmlPage;
import org.jenkinsci.plugins.workflow.actions.WarningAction;
import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.graph.FlowNode;
import org.jenkinsci.plugins.workflow.graphanalysis.DepthFirstScanner;
import org.jenkinsci.plugins.workflow.graphanalysis.NodeStepTypePredicate;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.junit.After;
import org.junit.Before;
import org.junit.ClassRule;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.jvnet.hudson.test.BuildWatcher;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.MockAuthorizationStrategy;

/**
 * A canary judged Marginal asks people on the run's page: Proceed and Roll back as a person clicks them, refused to
 * those who may not decide, and rolled back by itself at the deadline when nobody does. The stage turns yellow either
 * way, with the verdict as its warning.
 *
 * <p>The analysis reads the stack's Prometheus through the real engine. Its two metrics are built so that the verdict
 * is Marginal every time: one reads the same constant for canary and baseline (Pass), the other a higher constant for
 * the canary (High, so failed), each half of the score: 50, between marginal 40 and pass 95.
 */
public class DecisionsTest {

    @ClassRule
    public static BuildWatcher buildWatcher = new BuildWatcher();

    @Rule
    public JenkinsRule r = new JenkinsRule();

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private final Promotions test1 = new Promotions("test1", "29600-29649");

    @Before
    public void configure() throws Exception {
        ImmutableDeliveryConfiguration c = ImmutableDeliveryConfiguration.get();
        c.setEnvironments(List.of(test1.entry(null)));
        c.setAnalysisTemplates(List.of(marginalEveryTime("5m")));
        r.jenkins.setSecurityRealm(r.createDummySecurityRealm());
        r.jenkins.setAuthorizationStrategy(new MockAuthorizationStrategy()
                .grant(Jenkins.ADMINISTER).everywhere().to("admin")
                .grant(Jenkins.READ, Item.READ, Item.BUILD).everywhere().to("alice", "bob")
                .grant(Jenkins.READ, Item.READ).everywhere().to("reader"));
    }

    @After
    public void removeInstances() throws Exception {
        test1.removeInstances();
    }

    /** A template whose verdict is Marginal for any canary (see the class description). */
    static AnalysisTemplateEntry marginalEveryTime(String marginalTimeout) {
        AnalysisTemplateEntry t = new AnalysisTemplateEntry("marginal");
        t.setSource(new PrometheusMetrics(Stack.prometheus()));
        t.setMinimumPoints(10);
        t.setMarginalTimeout(marginalTimeout);
        Thresholds thresholds = new Thresholds();
        thresholds.setPass(95.0);
        thresholds.setMarginal(40.0);
        t.setThresholds(thresholds);
        t.setGroups(List.of(new GroupWeight("same", 50), new GroupWeight("higher", 50)));
        Metric same = new Metric("same-for-both");
        same.setGroup("same");
        same.setQuery("label_replace(vector(1), \"role\", \"${role}\", \"\", \"\")");
        same.setDirection("either");
        Metric higher = new Metric("higher-for-the-canary");
        higher.setGroup("higher");
        higher.setQuery("(label_replace(vector(2), \"role\", \"${role}\", \"\", \"\") unless on(role)"
                + " label_replace(vector(0), \"role\", \"baseline\", \"\", \"\")) or on() vector(1)");
        higher.setDirection("increase");
        t.setMetrics(List.of(same, higher));
        return t;
    }

    private WorkflowRun startCanary(String approvers) throws Exception {
        WorkflowJob p = r.createProject(WorkflowJob.class);
        p.setDefinition(new CpsFlowDefinition("def v1, v2\nnode {\n  " + test1.bake(tmp.getRoot().toPath(), "v1", "1")
                + "  " + test1.bake(tmp.getRoot().toPath(), "v2", "2") + "}\n"
                + "promoteImage image: v1, to: 'test1'\n"
                + "def live = promoteImage image: v2, to: 'test1', strategy: canary(steps: [25], pause: '12s',"
                + " analysis: 'marginal')" + (approvers == null ? "" : ", approvers: '" + approvers + "'") + "\n"
                + "echo \"live ${live}\"\n", true));
        return p.scheduleBuild2(0).waitForStart();
    }

    private static PendingDecision waitForMarginal(WorkflowRun b) throws Exception {
        for (int i = 0; i < 1800; i++) {
            DecisionAction decisions = b.getAction(DecisionAction.class);
            if (decisions != null && !decisions.getPending().isEmpty()) {
                PendingDecision d = decisions.getPending().get(0);
                assertEquals(PendingDecision.Kind.MARGINAL, d.getKind());
                return d;
            }
            if (!b.isBuilding()) {
                throw new AssertionError("the build ended without asking:\n" + JenkinsRule.getLog(b));
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no question within 3 minutes");
    }

    /** Opens the run's decisions page as {@code user} and clicks the question's button. */
    private void click(WorkflowRun b, PendingDecision d, String user, String form) throws Exception {
        JenkinsRule.WebClient wc = r.createWebClient().login(user);
        HtmlPage page = wc.getPage(b, "immutable-decisions");
        assertThat(page.asNormalizedText(), containsString("Marginal"));
        HtmlForm f = page.getFormByName(form + "-" + d.getId());
        r.submit(f);
    }

    private WarningAction warningOf(WorkflowRun b) {
        FlowNode node = new DepthFirstScanner().findFirstMatch(b.getExecution(), n -> n.getDisplayFunctionName()
                .equals("promoteImage") && n.getPersistentAction(WarningAction.class) != null);
        assertNotNull("the promoteImage step carries a warning", node);
        return node.getPersistentAction(WarningAction.class);
    }

    @Test
    public void proceedOnTheRunPageCarriesTheCanaryOnAndTheStageIsYellow() throws Exception {
        WorkflowRun b = startCanary(null);
        PendingDecision d = waitForMarginal(b);
        click(b, d, "alice", "proceed");
        r.assertBuildStatus(Result.UNSTABLE, r.waitForCompletion(b));
        r.assertLogContains("Proceed by alice", b);
        r.assertLogContains("decided by alice", b);
        LedgerEntry last = test1.ledger().last().orElseThrow();
        assertEquals(Outcome.DEPLOYED, last.outcome());
        r.assertLogContains("live " + test1.repository + "@" + last.digest(), b);
        assertEquals("version 2", test1.served());
        WarningAction warning = warningOf(b);
        assertEquals(Result.UNSTABLE, warning.getResult());
        assertThat(warning.getMessage(), containsString("Marginal"));
    }

    @Test
    public void rollBackOnTheRunPageReturnsToWhatWasLiveAndOthersMayNotDecide() throws Exception {
        WorkflowRun b = startCanary("bob");
        PendingDecision d = waitForMarginal(b);

        // alice may build the job but is not among the approvers; reader may not build: neither sees the buttons,
        // and a POST of theirs is refused
        HtmlPage asAlice = r.createWebClient().login("alice").getPage(b, "immutable-decisions");
        assertThat(asAlice.asNormalizedText(), containsString("You may not decide this."));
        for (String user : List.of("alice", "reader")) {
            JenkinsRule.WebClient wc = r.createWebClient().login(user);
            WebRequest post = new WebRequest(new URL(r.getURL(), b.getUrl() + "immutable-decisions/" + d.getId()
                    + "/abort"), HttpMethod.POST);
            try {
                wc.getPage(wc.addCrumb(post));
                throw new AssertionError(user + " decided");
            } catch (FailingHttpStatusCodeException e) {
                assertEquals(403, e.getStatusCode());
            }
        }
        assertEquals(1, b.getAction(DecisionAction.class).getPending().size());

        click(b, d, "bob", "abort");
        r.assertBuildStatus(Result.UNSTABLE, r.waitForCompletion(b));
        LedgerEntry last = test1.ledger().last().orElseThrow();
        assertEquals(Outcome.FAILED, last.outcome());
        assertThat(last.reason(), containsString("bob"));
        assertEquals("version 1", test1.served());
        assertEquals(Result.UNSTABLE, warningOf(b).getResult());
    }

    @Test
    public void nobodyDecidingRollsTheCanaryBackAtTheDeadline() throws Exception {
        ImmutableDeliveryConfiguration.get().setAnalysisTemplates(List.of(marginalEveryTime("10s")));
        WorkflowRun b = startCanary(null);
        waitForMarginal(b);
        r.assertBuildStatus(Result.UNSTABLE, r.waitForCompletion(b));
        r.assertLogContains("waiting for a decision on the marginal verdict until", b);
        LedgerEntry last = test1.ledger().last().orElseThrow();
        assertEquals(Outcome.FAILED, last.outcome());
        assertEquals("version 1", test1.served());
        assertEquals(List.of(), b.getAction(DecisionAction.class).getPending());
    }
}
