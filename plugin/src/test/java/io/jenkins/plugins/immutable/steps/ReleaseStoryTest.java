package io.jenkins.plugins.immutable.steps;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import hudson.model.Result;
import io.jenkins.plugins.immutable.actions.CanaryAnalysisAction;
import io.jenkins.plugins.immutable.actions.PromotionAction;
import io.jenkins.plugins.immutable.actions.ProvenanceAction;
import io.jenkins.plugins.immutable.actions.ScanReportAction;
import io.jenkins.plugins.immutable.config.AnalysisTemplateEntry;
import io.jenkins.plugins.immutable.config.CanaryStrategy;
import io.jenkins.plugins.immutable.config.EnvironmentEntry;
import io.jenkins.plugins.immutable.config.Gates;
import io.jenkins.plugins.immutable.config.ImmutableDeliveryConfiguration;
import io.jenkins.plugins.immutable.config.Metric;
import io.jenkins.plugins.immutable.config.PrometheusMetrics;
import io.jenkins.plugins.immutable.config.RollingStrategy;
import io.jenkins.plugins.immutable.ledger.LedgerEntry;
import io.jenkins.plugins.immutable.ledger.Outcome;
import io.jenkins.plugins.immutable.testing.Fixtures;
import io.jenkins.plugins.immutable.testing.Stack;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.htmlunit.Page;
import org.htmlunit.html.HtmlPage;
import org.jenkinsci.plugins.workflow.actions.WarningAction;
import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.graph.FlowNode;
import org.jenkinsci.plugins.workflow.graphanalysis.DepthFirstScanner;
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

/**
 * The demo's story as a Jenkinsfile on the stack: three versions baked on an agent (a second JVM), signed, verified,
 * scanned there and attested, then promoted dev (rolling) -> staging (blue-green, signature and scan gates) -> prod
 * (canary judged from Prometheus under load, only from staging). The third version answers 500: prod's canary
 * catches it and rolls it back, the stage turns yellow, prod keeps serving version 2. No secret shows anywhere.
 */
public class ReleaseStoryTest {

    @ClassRule
    public static BuildWatcher buildWatcher = new BuildWatcher();

    @Rule
    public JenkinsRule r = new JenkinsRule();

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    // the stack's environments test1-3 play dev, staging and prod (dev/staging/prod are left to scripts/jenkins-demo)
    private final Promotions dev = new Promotions("test1", "29600-29649");
    private final Promotions staging = new Promotions("test2", "29500-29549");
    private final Promotions prod = new Promotions("test3", "29550-29599");
    private final String baked = Stack.authRegistry() + "/" + Stack.uniqueRepository("plugin-story");

    private final AtomicBoolean loading = new AtomicBoolean(true);
    private final AtomicInteger answered = new AtomicInteger();
    private Thread load;

    @Before
    public void configureAsAnAdministratorWould() throws Exception {
        ImmutableDeliveryConfiguration c = ImmutableDeliveryConfiguration.get();
        c.setRegistries(List.of(Fixtures.authRegistry("stack-registry")));
        c.setSigning(Fixtures.signing("release"));
        c.setScan(Fixtures.scan("high"));

        EnvironmentEntry d = dev.entry(null);
        d.setStrategy(new RollingStrategy());
        Gates signedAndScanned = new Gates();
        signedAndScanned.setSignedBy(List.of("release"));
        signedAndScanned.setScanMaxAge("24h");
        EnvironmentEntry s = staging.entry(signedAndScanned);
        Gates fromStaging = new Gates();
        fromStaging.setSignedBy(List.of("release"));
        fromStaging.setFromPrevious(true);
        EnvironmentEntry p = prod.entry(fromStaging);
        CanaryStrategy canary = new CanaryStrategy();
        canary.setSteps(List.of(25));
        canary.setPause("15s");
        canary.setAnalysis("errors");
        p.setStrategy(canary);
        c.setEnvironments(List.of(d, s, p));

        AnalysisTemplateEntry errors = new AnalysisTemplateEntry("errors");
        errors.setSource(new PrometheusMetrics(Stack.prometheus()));
        errors.setMinimumPoints(10);
        Metric rate = new Metric("error-rate");
        rate.setQuery("sum(irate(haproxy_server_http_responses_total{code=\"5xx\",${scope}}[2s]))");
        rate.setDirection("increase");
        rate.setCritical(true);
        errors.setMetrics(List.of(rate));
        c.setAnalysisTemplates(List.of(errors));
    }

    /** Requests to prod's frontend all along, as its users would send them: what a canary is judged by. */
    @Before
    public void startLoad() {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        URI app = URI.create("http://" + Stack.haproxyFrontend(prod.environment) + "/cgi-bin/app");
        load = new Thread(() -> {
            while (loading.get()) {
                try {
                    client.send(HttpRequest.newBuilder(app).timeout(Duration.ofSeconds(5)).build(),
                            HttpResponse.BodyHandlers.discarding());
                    answered.incrementAndGet();
                    Thread.sleep(40);
                } catch (InterruptedException e) {
                    return;
                } catch (Exception e) {
                    // nothing serves prod yet: try again shortly
                    try {
                        Thread.sleep(200);
                    } catch (InterruptedException x) {
                        return;
                    }
                }
            }
        }, "prod load");
        load.setDaemon(true);
        load.start();
    }

    @After
    public void stop() throws Exception {
        loading.set(false);
        load.interrupt();
        for (Promotions e : List.of(dev, staging, prod)) {
            e.removeInstances();
        }
    }

    private String release(String version, boolean failing) throws Exception {
        Path rootfs = Fixtures.webService(tmp.getRoot().toPath(), version, failing);
        return "stage('version " + version + "') {\n"
                + "  def image\n"
                + "  node('builder') {\n"
                + "    image = bakeImage image: '" + baked + ":" + version + "', layers: ['" + rootfs + "/:/'],"
                + " cmd: " + Fixtures.WEB_SERVICE_COMMAND + ", sourceRepository: 'https://git.example/app.git',"
                + " sourceCommit: '0123456789abcdef0123456789abcdef0123456" + version + "', version: '" + version + "'\n"
                + "  }\n"
                + "  def signed = signImage image: image\n"
                + "  verifyImage image: signed, attestations: ['slsaprovenance1']\n"
                + "  node('builder') {\n"
                + "    scanImage image: signed, attest: true\n"
                + "  }\n"
                + "  promoteImage image: signed, to: '" + dev.environment + "'\n"
                + "  promoteImage image: signed, to: '" + staging.environment + "'\n"
                + "  def live = promoteImage image: signed, to: '" + prod.environment + "'\n"
                + "  echo \"prod serves ${live} after version " + version + "\"\n"
                + "}\n";
    }

    @Test
    public void threeVersionsTheBadOneCaughtByProdsCanary() throws Exception {
        r.createSlave("builder", "builder", null);
        WorkflowJob job = r.createProject(WorkflowJob.class, "app");
        job.setDefinition(new CpsFlowDefinition(release("1", false) + release("2", false) + release("3", true),
                true));
        WorkflowRun b = r.assertBuildStatus(Result.UNSTABLE, job.scheduleBuild2(0));

        List<LedgerEntry> prodEntries = prod.ledger().entries();
        assertEquals(List.of(Outcome.DEPLOYED, Outcome.DEPLOYED, Outcome.FAILED),
                prodEntries.stream().map(LedgerEntry::outcome).toList());
        assertEquals("version 2", prod.served());
        assertEquals(prodEntries.get(1).digest(), prod.ledger().live().orElseThrow());
        assertEquals(prodEntries.get(2).digest(), staging.ledger().live().orElseThrow());
        assertEquals(prodEntries.get(2).digest(), dev.ledger().live().orElseThrow());
        assertEquals("version 3", staging.served());
        r.assertLogContains("prod serves " + prod.repository + "@" + prodEntries.get(1).digest()
                + " after version 3", b);
        assertTrue("prod was under load: " + answered.get(), answered.get() > 100);

        // the yellow stage: the bad version's prod promotion carries the warning
        List<FlowNode> warned = new DepthFirstScanner().filteredNodes(b.getExecution(),
                n -> n.getPersistentAction(WarningAction.class) != null);
        assertEquals(1, warned.stream().filter(n -> "promoteImage".equals(n.getDisplayFunctionName())).count());
        WarningAction warning = warned.stream().filter(n -> "promoteImage".equals(n.getDisplayFunctionName()))
                .findFirst().orElseThrow().getPersistentAction(WarningAction.class);
        assertEquals(Result.UNSTABLE, warning.getResult());

        List<CanaryAnalysisAction> canaries = b.getActions(CanaryAnalysisAction.class);
        // version 1 enters an empty prod directly: only versions 2 and 3 are canaries
        assertEquals(List.of("PASS", "FAIL"), canaries.stream().map(CanaryAnalysisAction::getVerdict).toList());
        assertEquals(3, b.getAction(ProvenanceAction.class).getImages().size());
        assertEquals(3, b.getActions(ScanReportAction.class).size());
        PromotionAction promotions = b.getAction(PromotionAction.class);
        assertEquals(9, promotions.getRecords().size());

        JenkinsRule.WebClient wc = r.createWebClient();
        StringBuilder everything = new StringBuilder(JenkinsRule.getLog(b));
        List<String> pages = List.of("", "immutable-provenance", "immutable-promotions",
                b.getActions(ScanReportAction.class).get(0).getUrlName(), canaries.get(1).getUrlName());
        for (String page : pages) {
            HtmlPage html = wc.getPage(b, page);
            everything.append(html.getWebResponse().getContentAsString());
            Page api = wc.goTo(b.getUrl() + (page.isEmpty() ? "" : page + "/") + "api/json?depth=2",
                    "application/json");
            everything.append(api.getWebResponse().getContentAsString());
        }
        assertThat(wc.goTo(b.getUrl() + canaries.get(1).getUrlName() + "/api/json?depth=2", "application/json")
                .getWebResponse().getContentAsString(), containsString("\"verdict\":\"FAIL\""));
        HtmlPage environments = Promotions.environmentsPage(wc, job);
        assertThat(environments.asNormalizedText(), containsString(prodEntries.get(1).digest().toString()));
        everything.append(environments.getWebResponse().getContentAsString());
        try (Stream<Path> files = Files.walk(r.jenkins.getRootDir().toPath())) {
            for (Path f : files.filter(f -> f.toString().endsWith(".xml") || f.toString().endsWith("log")).toList()) {
                everything.append(Files.readString(f, StandardCharsets.ISO_8859_1));
            }
        }
        for (String secret : List.of(Stack.authRegistryPassword(), Fixtures.KEY_PASSWORD)) {
            assertThat(everything.toString(), not(containsString(secret)));
        }
        assertNotNull(new File(b.getRootDir(), "build.xml"));
    }
}
