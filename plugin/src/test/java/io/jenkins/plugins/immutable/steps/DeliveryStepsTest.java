package io.jenkins.plugins.immutable.steps;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import hudson.model.Result;
import io.jenkins.plugins.immutable.actions.ProvenanceAction;
import io.jenkins.plugins.immutable.actions.ScanReportAction;
import io.jenkins.plugins.immutable.config.ImmutableDeliveryConfiguration;
import io.jenkins.plugins.immutable.testing.Fixtures;
import io.jenkins.plugins.immutable.testing.Stack;
import java.nio.file.Path;
import java.util.List;
import org.htmlunit.Page;
import org.htmlunit.html.HtmlPage;
import org.jenkinsci.plugins.workflow.actions.WarningAction;
import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.graph.FlowNode;
import org.jenkinsci.plugins.workflow.graphanalysis.DepthFirstScanner;
import org.jenkinsci.plugins.workflow.graphanalysis.NodeStepTypePredicate;
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
 * bakeImage, signImage, verifyImage and scanImage in Pipelines against the stack's registry that requires a login,
 * with the credentials and keys in Jenkins' store: what they return, what the run keeps, and what the log never shows.
 */
public class DeliveryStepsTest {

    @ClassRule
    public static BuildWatcher buildWatcher = new BuildWatcher();

    @Rule
    public JenkinsRule r = new JenkinsRule();

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private String repository;
    private Path rootfs;

    @Before
    public void configureAsAnAdministratorWould() throws Exception {
        ImmutableDeliveryConfiguration c = ImmutableDeliveryConfiguration.get();
        c.setRegistries(List.of(Fixtures.authRegistry("stack-registry")));
        c.setSigning(Fixtures.signing("release"));
        c.setScan(Fixtures.scan("high"));
        repository = Stack.authRegistry() + "/" + Stack.uniqueRepository("plugin-steps");
        rootfs = Fixtures.webService(tmp.getRoot().toPath(), "1");
    }

    private String bake(String variable, String tag) {
        return variable + " = bakeImage image: '" + repository + ":" + tag + "', layers: ['" + rootfs + "/:/'],"
                + " cmd: " + Fixtures.WEB_SERVICE_COMMAND + ", env: ['MODE=test'],"
                + " sourceRepository: 'https://git.example/app.git',"
                + " sourceCommit: '0123456789abcdef0123456789abcdef01234567', version: '" + tag + "'\n";
    }

    private WorkflowRun run(String script, Result expected) throws Exception {
        WorkflowJob p = r.createProject(WorkflowJob.class);
        p.setDefinition(new CpsFlowDefinition(script, true));
        return r.assertBuildStatus(expected, p.scheduleBuild2(0));
    }

    @Test
    public void bakeOnAnAgentThenSignVerifyAndScanByDigest() throws Exception {
        r.createSlave("builder", "builder", null);
        WorkflowRun b = run("def image\n"
                + "node('builder') {\n  " + bake("image", "1.0") + "}\n"
                + "echo \"baked ${image}\"\n"
                + "def signed = signImage image: image\n"
                + "verifyImage image: signed, attestations: ['slsaprovenance1']\n"
                + "def scan\n"
                + "node('builder') {\n  scan = scanImage image: signed, attest: true\n}\n"
                + "echo \"scan: ${scan.verdict} medium=${scan.medium} total=${scan.total} passed=${scan.passed}\"\n"
                + "verifyImage image: signed, attestations: ['vuln']\n", Result.SUCCESS);

        r.assertLogContains("baked " + repository + "@sha256:", b);
        r.assertLogContains("scan: PASS medium=2 total=2 passed=true", b);
        r.assertLogNotContains(Stack.authRegistryPassword(), b);
        r.assertLogNotContains(Fixtures.KEY_PASSWORD, b);

        ProvenanceAction provenance = b.getAction(ProvenanceAction.class);
        assertNotNull(provenance);
        assertEquals(1, provenance.getImages().size());
        ProvenanceAction.BakedImage image = provenance.getImages().get(0);
        assertThat(image.getReference(), startsWith(repository + ":1.0@sha256:"));
        assertEquals("https://git.example/app.git", image.getSummary().get("sourceRepository"));
        assertThat(image.getSummary().get("builderId"), startsWith(r.getURL().toString()));
        assertFalse(image.getSignatures().isEmpty());
        assertThat(image.getAttestations().get(0), containsString("https://slsa.dev/provenance/v1"));

        ScanReportAction scan = b.getAction(ScanReportAction.class);
        assertNotNull(scan);
        assertEquals(image.getDigest(), scan.getDigest());
        assertTrue(scan.isPassed());
        assertEquals(Integer.valueOf(2), scan.getCounts().get("medium"));
        assertNotNull(scan.getAttestation());
        assertThat(scan.getFindings().stream().map(ScanReportAction.FindingRow::getId).toList(),
                hasItem("DEBIAN-CVE-2023-42363"));

        JenkinsRule.WebClient wc = r.createWebClient();
        HtmlPage page = wc.getPage(b, "immutable-provenance");
        assertThat(page.asNormalizedText(), containsString(image.getDigest()));
        HtmlPage report = wc.getPage(b, scan.getUrlName());
        assertThat(report.asNormalizedText(), containsString("CVE-2023-42366"));
        Page sarif = wc.goTo(b.getUrl() + scan.getUrlName() + "/sarif", "application/sarif+json");
        assertThat(sarif.getWebResponse().getContentAsString(), containsString("sarif-2.1.0.json"));
        Page sbom = wc.goTo(b.getUrl() + scan.getUrlName() + "/sbom", "application/vnd.cyclonedx+json");
        assertThat(sbom.getWebResponse().getContentAsString(), containsString("busybox"));
        Page statement = wc.goTo(b.getUrl() + "immutable-provenance/statement?digest=" + image.getDigest(),
                "application/json");
        assertThat(statement.getWebResponse().getContentAsString(), containsString("https://slsa.dev/provenance/v1"));
        Page api = wc.goTo(b.getUrl() + scan.getUrlName() + "/api/json?depth=2", "application/json");
        assertThat(api.getWebResponse().getContentAsString(), containsString("\"verdict\":\"PASS\""));
    }

    @Test
    public void verifyImageFailsForAnUnsignedImageAndSaysWhy() throws Exception {
        WorkflowRun b = run("def image\nnode {\n  " + bake("image", "unsigned") + "}\n"
                + "verifyImage image: image\n", Result.FAILURE);
        r.assertLogContains("has no signature at all", b);
    }

    @Test
    public void aFailedScanPolicyMarksTheStageUnstableWhenAskedAndFailsTheStepOtherwise() throws Exception {
        WorkflowRun unstable = run("def image\nnode {\n  " + bake("image", "scan")
                + "  def scan = scanImage image: image, failOn: 'medium', markUnstable: true\n"
                + "  echo \"verdict ${scan.verdict}\"\n}\n", Result.UNSTABLE);
        r.assertLogContains("verdict FAIL", unstable);
        FlowNode node = new DepthFirstScanner().findFirstMatch(unstable.getExecution(),
                new NodeStepTypePredicate("scanImage"));
        assertNotNull(node);
        WarningAction warning = node.getPersistentAction(WarningAction.class);
        assertNotNull(warning);
        assertEquals(Result.UNSTABLE, warning.getResult());
        assertThat(warning.getMessage(), containsString("failed its policy"));

        WorkflowRun failed = run("def image\nnode {\n  " + bake("image", "scan2")
                + "  scanImage image: image, failOn: 'medium'\n}\n", Result.FAILURE);
        r.assertLogContains("failed its policy", failed);
        r.assertLogContains("ignore a finding with its reason", failed);
    }

    @Test
    public void aStepNamingAnUnknownSigningKeyFailsSayingWhichAreConfigured() throws Exception {
        WorkflowRun b = run("def image\nnode {\n  " + bake("image", "key") + "}\n"
                + "signImage image: image, key: 'qa'\n", Result.FAILURE);
        r.assertLogContains("There is no signing key 'qa' in the Immutable Delivery configuration (configured:"
                + " release)", b);
    }
}
