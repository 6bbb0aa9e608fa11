package io.jenkins.plugins.immutable.steps;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import hudson.model.Result;
import io.jenkins.plugins.immutable.actions.CanaryAnalysisAction;
import io.jenkins.plugins.immutable.actions.DecisionAction;
import io.jenkins.plugins.immutable.actions.EnvironmentsAction;
import io.jenkins.plugins.immutable.actions.PendingDecision;
import io.jenkins.plugins.immutable.actions.PromotionAction;
import io.jenkins.plugins.immutable.config.AnalysisTemplateEntry;
import io.jenkins.plugins.immutable.config.Gates;
import io.jenkins.plugins.immutable.config.ImmutableDeliveryConfiguration;
import io.jenkins.plugins.immutable.config.Metric;
import io.jenkins.plugins.immutable.config.PrometheusMetrics;
import io.jenkins.plugins.immutable.ledger.LedgerEntry;
import io.jenkins.plugins.immutable.ledger.LedgerHistory;
import io.jenkins.plugins.immutable.ledger.Outcome;
import io.jenkins.plugins.immutable.testing.Fixtures;
import io.jenkins.plugins.immutable.testing.Stack;
import java.net.URL;
import java.util.List;
import org.htmlunit.HttpMethod;
import org.htmlunit.WebRequest;
import org.htmlunit.html.HtmlPage;
import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.graph.FlowNode;
import org.jenkinsci.plugins.workflow.graphanalysis.DepthFirstScanner;
import org.jenkinsci.plugins.workflow.graphanalysis.NodeStepTypePredicate;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.jenkinsci.plugins.workflow.support.actions.PauseAction;
import org.junit.After;
import org.junit.Before;
import org.junit.ClassRule;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.jvnet.hudson.test.BuildWatcher;
import org.jvnet.hudson.test.JenkinsRule;

/**
 * promoteImage and rollbackImage on the stack: the stack's Docker engine behind its HAProxy (environment test2),
 * blue-green; the ledger in the stack's registry.
 */
public class PromoteImageStepTest {

    @ClassRule
    public static BuildWatcher buildWatcher = new BuildWatcher();

    @Rule
    public JenkinsRule r = new JenkinsRule();

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private final Promotions test2 = new Promotions("test2", "29500-29549");

    @Before
    public void configure() throws Exception {
        ImmutableDeliveryConfiguration.get().setSigning(Fixtures.signing("release"));
    }

    @After
    public void removeInstances() throws Exception {
        test2.removeInstances();
    }

    private void environment(Gates gates) {
        ImmutableDeliveryConfiguration.get().setEnvironments(List.of(test2.entry(gates)));
    }

    private WorkflowJob job(String script) throws Exception {
        WorkflowJob p = r.createProject(WorkflowJob.class);
        p.setDefinition(new CpsFlowDefinition(script, true));
        return p;
    }

    @Test
    public void promotesTheDigestAndRollsBackToTheRetainedColour() throws Exception {
        environment(null);
        WorkflowJob p = job("def v1, v2\nnode {\n  " + test2.bake(tmp.getRoot().toPath(), "v1", "1") + "  "
                + test2.bake(tmp.getRoot().toPath(), "v2", "2") + "}\n"
                + "def live1 = promoteImage image: v1, to: 'test2'\n"
                + "echo \"live1 ${live1} baked ${v1}\"\n"
                + "def live2 = promoteImage image: v2, to: 'test2'\n"
                + "echo \"live2 ${live2}\"\n"
                + "def back = rollbackImage environment: 'test2'\n"
                + "echo \"back ${back}\"\n");
        WorkflowRun b = r.buildAndAssertSuccess(p);

        LedgerHistory ledger = test2.ledger();
        List<LedgerEntry> entries = ledger.entries();
        assertEquals(3, entries.size());
        LedgerEntry first = entries.get(0);
        assertEquals(Outcome.DEPLOYED, first.outcome());
        assertEquals(Outcome.ROLLED_BACK, entries.get(2).outcome());
        assertEquals(first.digest(), ledger.live().orElseThrow());
        String v1 = test2.repository + "@" + first.digest();
        r.assertLogContains("live1 " + v1 + " baked " + v1, b);
        r.assertLogContains("live2 " + test2.repository + "@" + entries.get(1).digest(), b);
        r.assertLogContains("back " + v1, b);
        assertTrue(entries.get(2).run().endsWith(b.getUrl()));
        assertEquals("version 1", test2.served());

        PromotionAction promotions = b.getAction(PromotionAction.class);
        assertEquals(List.of("PROMOTED", "PROMOTED", "ROLLED_BACK"), promotions.getRecords().stream()
                .map(PromotionAction.Record::getStatus).toList());

        JenkinsRule.WebClient wc = r.createWebClient();
        HtmlPage environments = Promotions.environmentsPage(wc, p);
        assertThat(environments.asNormalizedText(), containsString(first.digest().toString()));
        // the rollback's deployment record stays in the ledger, but it is over: nothing is under way
        EnvironmentsAction.EnvironmentRow row = p.getAction(EnvironmentsAction.class).getEnvironments().get(0);
        assertEquals("test2", row.getName());
        assertNull(row.getDeployment());
        HtmlPage page = wc.getPage(b, "immutable-promotions");
        assertThat(page.asNormalizedText(), containsString("ROLLED_BACK"));
    }

    @Test
    public void aRefusingGateFailsTheStepWithTheGateMessageAndRecordsNothing() throws Exception {
        Gates gates = new Gates();
        gates.setSignedBy(List.of("release"));
        environment(gates);
        WorkflowJob p = job("def v1\nnode {\n  " + test2.bake(tmp.getRoot().toPath(), "v1", "1") + "}\n"
                + "promoteImage image: v1, to: 'test2'\n");
        WorkflowRun b = r.assertBuildStatus(Result.FAILURE, p.scheduleBuild2(0));
        r.assertLogContains("refused by 1 gate(s)", b);
        r.assertLogContains("Nothing was copied, deployed or recorded", b);
        assertTrue(test2.ledger().entries().isEmpty());
    }

    @Test
    public void approvalPausesTheBuildUntilSomeoneProceeds() throws Exception {
        Gates gates = new Gates();
        gates.setApproval(true);
        environment(gates);
        WorkflowJob p = job("def v1\nnode {\n  " + test2.bake(tmp.getRoot().toPath(), "v1", "1") + "}\n"
                + "def live = promoteImage image: v1, to: 'test2'\necho \"live ${live}\"\n");
        WorkflowRun b = p.scheduleBuild2(0).waitForStart();
        PendingDecision question = waitForQuestion(b);
        assertThat(question.getQuestion(), containsString("to test2?"));
        FlowNode node = new DepthFirstScanner().findFirstMatch(b.getExecution(),
                new NodeStepTypePredicate("promoteImage"));
        assertNotNull(node);
        assertTrue(PauseAction.isPaused(node));

        HtmlPage decisions = r.createWebClient().getPage(b, "immutable-decisions");
        assertThat(decisions.asNormalizedText(), containsString(question.getQuestion()));

        answer(b, question, "proceed");
        r.assertBuildStatusSuccess(r.waitForCompletion(b));
        r.assertLogContains("Proceed by", b);
        r.assertLogContains("live " + test2.repository + "@sha256:", b);
        assertEquals(Outcome.DEPLOYED, test2.ledger().last().orElseThrow().outcome());
    }

    @Test
    public void anAbortedApprovalAbortsTheBuildAndRecordsNothing() throws Exception {
        Gates gates = new Gates();
        gates.setApproval(true);
        environment(gates);
        WorkflowJob p = job("def v1\nnode {\n  " + test2.bake(tmp.getRoot().toPath(), "v1", "1") + "}\n"
                + "promoteImage image: v1, to: 'test2'\n");
        WorkflowRun b = p.scheduleBuild2(0).waitForStart();
        answer(b, waitForQuestion(b), "abort");
        r.assertBuildStatus(Result.ABORTED, r.waitForCompletion(b));
        assertTrue(test2.ledger().entries().isEmpty());
    }

    @Test
    public void anAbortedBuildGivesUpItsCanaryAndTheEnvironmentServesWhatWasLive() throws Exception {
        environment(null);
        WorkflowJob p = job("def v1, v2\nnode {\n  " + test2.bake(tmp.getRoot().toPath(), "v1", "1") + "  "
                + test2.bake(tmp.getRoot().toPath(), "v2", "2") + "}\n"
                + "promoteImage image: v1, to: 'test2'\n"
                + "echo 'canary next'\n"
                + "promoteImage image: v2, to: 'test2', strategy: canary(steps: [50], pause: '5m')\n");
        WorkflowRun b = p.scheduleBuild2(0).waitForStart();
        Promotions.waitForLogAfter(r, b, "canary next", "holding");
        b.doStop();
        r.assertBuildStatus(Result.ABORTED, r.waitForCompletion(b));

        long deadline = System.currentTimeMillis() + 120_000;
        LedgerEntry last = test2.ledger().last().orElseThrow();
        while (last.outcome() != Outcome.FAILED && System.currentTimeMillis() < deadline) {
            Thread.sleep(500);
            last = test2.ledger().last().orElseThrow();
        }
        assertEquals(Outcome.FAILED, last.outcome());
        assertThat(last.reason(), containsString("was aborted"));
        assertEquals(test2.ledger().entries().get(0).digest(), test2.ledger().live().orElseThrow());
        assertEquals("version 1", test2.served());
    }

    @Test
    public void aJudgedCanaryKeepsItsAnalysisOnTheRun() throws Exception {
        environment(null);
        AnalysisTemplateEntry quiet = new AnalysisTemplateEntry("quiet");
        quiet.setSource(new PrometheusMetrics(Stack.prometheus()));
        quiet.setMinimumPoints(10);
        Metric errors = new Metric("error-rate");
        errors.setQuery("sum(irate(haproxy_server_http_responses_total{code=\"5xx\",${scope}}[2s]))");
        errors.setDirection("increase");
        quiet.setMetrics(List.of(errors));
        ImmutableDeliveryConfiguration.get().setAnalysisTemplates(List.of(quiet));
        WorkflowJob p = job("def v1, v2\nnode {\n  " + test2.bake(tmp.getRoot().toPath(), "v1", "1") + "  "
                + test2.bake(tmp.getRoot().toPath(), "v2", "2") + "}\n"
                + "promoteImage image: v1, to: 'test2'\n"
                + "promoteImage image: v2, to: 'test2', strategy: canary(steps: [25], pause: '20s', analysis: 'quiet')\n");
        WorkflowRun b = r.buildAndAssertSuccess(p);

        CanaryAnalysisAction analysis = b.getAction(CanaryAnalysisAction.class);
        assertNotNull(analysis);
        assertEquals("test2", analysis.getEnvironment());
        assertThat(analysis.getDisplayName(), containsString("Canary sha256:"));
        assertThat(analysis.getDisplayName(), containsString(" in test2"));
        assertEquals("PASS", analysis.getVerdict());
        assertEquals(1, analysis.getJudgements().size());
        assertEquals("error-rate", analysis.getJudgements().get(0).getMetrics().get(0).getName());
        HtmlPage page = r.createWebClient().getPage(b, analysis.getUrlName());
        assertThat(page.asNormalizedText(), containsString("error-rate"));
        assertThat(page.getWebResponse().getContentAsString(), containsString("data-chart-option"));
        assertEquals("version 2", test2.served());
    }

    private static PendingDecision waitForQuestion(WorkflowRun b) throws InterruptedException {
        for (int i = 0; i < 1200; i++) {
            DecisionAction decisions = b.getAction(DecisionAction.class);
            if (decisions != null && !decisions.getPending().isEmpty()) {
                return decisions.getPending().get(0);
            }
            if (!b.isBuilding()) {
                throw new AssertionError("the build ended without asking");
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no question within 2 minutes");
    }

    /** Clicks Proceed or Abort as a person does: a POST with the crumb. */
    private void answer(WorkflowRun b, PendingDecision question, String button) throws Exception {
        JenkinsRule.WebClient wc = r.createWebClient();
        WebRequest request = new WebRequest(new URL(r.getURL(), b.getUrl() + "immutable-decisions/"
                + question.getId() + "/" + button), HttpMethod.POST);
        wc.getPage(wc.addCrumb(request));
    }
}
