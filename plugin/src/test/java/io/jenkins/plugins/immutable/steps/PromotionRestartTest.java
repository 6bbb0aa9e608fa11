package io.jenkins.plugins.immutable.steps;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import io.jenkins.plugins.immutable.config.ImmutableDeliveryConfiguration;
import io.jenkins.plugins.immutable.ledger.LedgerEntry;
import io.jenkins.plugins.immutable.ledger.Outcome;
import java.util.List;
import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.junit.ClassRule;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.jvnet.hudson.test.BuildWatcher;
import org.jvnet.hudson.test.JenkinsSessionRule;

/** A canary promotion survives a controller restart in the middle of its step: it carries on from the ledger. */
public class PromotionRestartTest {

    @ClassRule
    public static BuildWatcher buildWatcher = new BuildWatcher();

    @Rule
    public JenkinsSessionRule sessions = new JenkinsSessionRule();

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private final Promotions test3 = new Promotions("test3", "29550-29599");

    @Test
    public void aCanaryInterruptedByARestartCarriesOnFromTheLedger() throws Throwable {
        try {
            sessions.then(r -> {
                ImmutableDeliveryConfiguration.get().setEnvironments(List.of(test3.entry(null)));
                WorkflowJob p = r.createProject(WorkflowJob.class, "release");
                p.setDefinition(new CpsFlowDefinition("def v1, v2\nnode {\n  "
                        + test3.bake(tmp.getRoot().toPath(), "v1", "1") + "  "
                        + test3.bake(tmp.getRoot().toPath(), "v2", "2") + "}\n"
                        + "promoteImage image: v1, to: 'test3'\n"
                        + "echo 'canary next'\n"
                        + "def live = promoteImage image: v2, to: 'test3', strategy: canary(steps: [50],"
                        + " pause: '30s')\n"
                        + "echo \"live ${live}\"\n", true));
                WorkflowRun b = p.scheduleBuild2(0).waitForStart();
                // the canary takes half the traffic and holds: Jenkins stops in the middle of the step
                Promotions.waitForLogAfter(r, b, "canary next", "holding");
            });
            sessions.then(r -> {
                WorkflowRun b = r.jenkins.getItemByFullName("release", WorkflowJob.class).getBuildByNumber(1);
                r.assertBuildStatusSuccess(r.waitForCompletion(b));
                r.assertLogContains("carrying on in test3 from its ledger", b);
                List<LedgerEntry> entries = test3.ledger().entries();
                LedgerEntry canary = entries.get(entries.size() - 1);
                assertEquals(Outcome.DEPLOYED, canary.outcome());
                assertEquals("canary", canary.event().strategy());
                assertTrue(canary.run().endsWith(b.getUrl()));
                r.assertLogContains("live " + test3.repository + "@" + canary.digest(), b);
                assertEquals("version 2", test3.served());
            });
        } finally {
            test3.removeInstances();
        }
    }
}
