package io.jenkins.plugins.immutable.steps;

import static org.junit.Assert.assertTrue;

import hudson.model.Result;
import io.jenkins.plugins.immutable.config.EnvironmentEntry;
import io.jenkins.plugins.immutable.config.Gates;
import io.jenkins.plugins.immutable.config.ImmutableDeliveryConfiguration;
import io.jenkins.plugins.immutable.config.ProvenanceRequirement;
import io.jenkins.plugins.immutable.testing.Fixtures;
import java.util.List;
import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.junit.ClassRule;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.jvnet.hudson.test.BuildWatcher;
import org.jvnet.hudson.test.JenkinsRule;

/**
 * Each gate of promoteImage refuses on its own and fails the step with its own message: an unsigned digest, a digest
 * without a scan attestation, a digest that skipped the environment before, provenance from another builder. Nothing
 * is deployed or recorded.
 */
public class GatesTest {

    @ClassRule
    public static BuildWatcher buildWatcher = new BuildWatcher();

    @Rule
    public JenkinsRule r = new JenkinsRule();

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private final Promotions first = new Promotions("test1", "29600-29649");
    private final Promotions second = new Promotions("test2", "29500-29549");

    private WorkflowRun refused(Gates gates, String sign) throws Exception {
        ImmutableDeliveryConfiguration c = ImmutableDeliveryConfiguration.get();
        c.setSigning(Fixtures.signing("release"));
        EnvironmentEntry a = first.entry(null);
        EnvironmentEntry b = second.entry(gates);
        c.setEnvironments(List.of(a, b));
        WorkflowJob p = r.createProject(WorkflowJob.class);
        p.setDefinition(new CpsFlowDefinition("def v1\nnode {\n  " + second.bake(tmp.getRoot().toPath(), "v1", "1")
                + "}\n" + sign + "promoteImage image: v1, to: 'test2'\n", true));
        WorkflowRun run = r.assertBuildStatus(Result.FAILURE, p.scheduleBuild2(0));
        r.assertLogContains("Refused: ", run);
        r.assertLogContains("Nothing was copied, deployed or recorded", run);
        assertTrue(second.ledger().entries().isEmpty());
        return run;
    }

    private static Gates gates() {
        Gates g = new Gates();
        g.setFromPrevious(false);
        return g;
    }

    @Test
    public void anUnsignedDigestIsRefusedByTheSignatureGate() throws Exception {
        Gates g = gates();
        g.setSignedBy(List.of("release"));
        r.assertLogContains("signed: REFUSED", refused(g, ""));
    }

    @Test
    public void aDigestWithoutAScanIsRefusedByTheScanGate() throws Exception {
        Gates g = gates();
        g.setScanMaxAge("24h");
        r.assertLogContains("scanned: REFUSED", refused(g, "v1 = signImage image: v1\n"));
    }

    @Test
    public void aDigestThatSkippedTheEnvironmentBeforeIsRefused() throws Exception {
        Gates g = gates();
        g.setFromPrevious(true);
        r.assertLogContains("previous-environment: REFUSED", refused(g, ""));
    }

    @Test
    public void provenanceFromAnotherBuilderIsRefused() throws Exception {
        Gates g = gates();
        ProvenanceRequirement provenance = new ProvenanceRequirement();
        provenance.setBuilderIds(List.of("https://jenkins.elsewhere.example/*"));
        g.setProvenance(provenance);
        r.assertLogContains("provenance: REFUSED", refused(g, "v1 = signImage image: v1\n"));
    }
}
