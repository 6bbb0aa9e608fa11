package io.jenkins.plugins.immutable.steps;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import hudson.model.Result;
import io.jenkins.plugins.immutable.config.EnvironmentEntry;
import io.jenkins.plugins.immutable.config.Gates;
import io.jenkins.plugins.immutable.config.ImmutableDeliveryConfiguration;
import io.jenkins.plugins.immutable.ledger.LedgerHistory;
import java.util.List;
import net.sf.json.JSONArray;
import net.sf.json.JSONObject;
import org.htmlunit.html.HtmlPage;
import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.junit.After;
import org.junit.ClassRule;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.jvnet.hudson.test.BuildWatcher;
import org.jvnet.hudson.test.JenkinsRule;

/**
 * A promotion graph configured in Jenkins: test1 plays staging, fed by builds; test2 (prod) and test3 (a variant of
 * prod for one client) both take from it. Each variant serves its own digest at the same time (the variant takes
 * what staging serves, without naming it); a digest that never went through staging is refused by the variant's
 * gate; the Environments page shows where each takes from.
 */
public class PromotionGraphTest {

    @ClassRule
    public static BuildWatcher buildWatcher = new BuildWatcher();

    @Rule
    public JenkinsRule r = new JenkinsRule();

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private final Promotions staging = new Promotions("test1", "29600-29649");
    private final Promotions prod = new Promotions("test2", "29500-29549");
    private final Promotions variant = new Promotions("test3", "29550-29599");

    @After
    public void removeInstances() throws Exception {
        staging.removeInstances();
        prod.removeInstances();
        variant.removeInstances();
    }

    private EnvironmentEntry takingFrom(Promotions e, List<String> upstream) {
        Gates fromUpstream = new Gates();
        fromUpstream.setFromPrevious(true);
        EnvironmentEntry entry = e.entry(fromUpstream);
        entry.setUpstream(upstream);
        return entry;
    }

    @Test
    public void variantsOfProductionTakeFromTheSameUpstreamAndServeDifferentDigests() throws Exception {
        ImmutableDeliveryConfiguration c = ImmutableDeliveryConfiguration.get();
        // listed downstream first: the graph, not the list, says the order
        c.setEnvironments(List.of(takingFrom(variant, List.of("test1")), takingFrom(prod, List.of("test1")),
                takingFrom(staging, List.of())));
        assertEquals(List.of("test1"), c.toDeliveryConfig().graph().roots());
        assertEquals(List.of("test2", "test3"), c.toDeliveryConfig().graph().leaves().stream().sorted().toList());

        WorkflowJob p = r.createProject(WorkflowJob.class, "graph");
        p.setDefinition(new CpsFlowDefinition("def v1, v2\nnode {\n  "
                + staging.bake(tmp.getRoot().toPath(), "v1", "1") + staging.bake(tmp.getRoot().toPath(), "v2", "2")
                + "}\n"
                + "promoteImage image: v1, to: 'test1'\n"
                + "promoteImage image: v1, to: 'test2'\n"
                + "promoteImage image: v2, to: 'test1'\n"
                + "promoteImage to: 'test3'\n", true));
        WorkflowRun run = r.buildAndAssertSuccess(p);
        // without an image, the variant takes what its upstream serves: v2, live in test1 by then
        r.assertLogContains(", live in test1, for test3", run);
        assertEquals("version 1", prod.served());
        assertEquals("version 2", variant.served());
        LedgerHistory prodLedger = prod.ledger();
        LedgerHistory variantLedger = variant.ledger();
        assertTrue(prodLedger.live().isPresent() && variantLedger.live().isPresent());
        assertTrue("prod and its variant serve different digests at once",
                !prodLedger.live().get().equals(variantLedger.live().get()));

        // a digest that never went through staging may not enter the variant: its gate names staging
        WorkflowJob skip = r.createProject(WorkflowJob.class, "skip");
        skip.setDefinition(new CpsFlowDefinition("def v3\nnode {\n  "
                + staging.bake(tmp.getRoot().toPath(), "v3", "3") + "}\npromoteImage image: v3, to: 'test3'\n",
                true));
        WorkflowRun refused = r.assertBuildStatus(Result.FAILURE, skip.scheduleBuild2(0));
        r.assertLogContains("previous-environment: REFUSED", refused);
        r.assertLogContains("test1", refused);
        assertEquals("version 2", variant.served());

        WorkflowJob wrongFrom = r.createProject(WorkflowJob.class, "wrong-from");
        wrongFrom.setDefinition(new CpsFlowDefinition("promoteImage to: 'test3', from: 'test2'\n", true));
        r.assertLogContains("test2 is not upstream of test3", r.assertBuildStatus(Result.FAILURE,
                wrongFrom.scheduleBuild2(0)));

        JenkinsRule.WebClient wc = r.createWebClient();
        HtmlPage page = Promotions.environmentsPage(wc, p);
        assertEquals("from builds", page.querySelector("[data-immutable-upstream=test1]").getTextContent());
        assertEquals("from test1", page.querySelector("[data-immutable-upstream=test2]").getTextContent());
        assertEquals("from test1", page.querySelector("[data-immutable-upstream=test3]").getTextContent());
        JSONArray rows = JSONObject.fromObject(wc.goTo(p.getUrl() + "immutable-environments/api/json?depth=1",
                "application/json").getWebResponse().getContentAsString()).getJSONArray("environments");
        assertEquals("upstream before downstream", "test1", rows.getJSONObject(0).getString("name"));
        for (int i = 0; i < rows.size(); i++) {
            JSONObject row = rows.getJSONObject(i);
            List<?> upstream = row.getJSONArray("upstream");
            assertEquals(row.getString("name"), row.getString("name").equals("test1") ? List.of()
                    : List.of("test1"), upstream);
            assertEquals("all", row.getString("requires"));
        }
    }

    @Test
    public void aCycleIsRefusedWhenTheConfigurationIsRead() {
        ImmutableDeliveryConfiguration c = ImmutableDeliveryConfiguration.get();
        c.setEnvironments(List.of(takingFrom(staging, List.of("test2")), takingFrom(prod, List.of("test1"))));
        try {
            c.toDeliveryConfig();
            throw new AssertionError("a cycle was accepted");
        } catch (io.jenkins.plugins.immutable.EngineException e) {
            assertThat(e.getMessage(), containsString("cycle"));
        }
    }
}
