package io.jenkins.plugins.immutable.config;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import com.cloudbees.plugins.credentials.CredentialsScope;
import com.cloudbees.plugins.credentials.impl.UsernamePasswordCredentialsImpl;
import hudson.model.User;
import hudson.security.ACL;
import hudson.security.ACLContext;
import hudson.util.FormValidation;
import hudson.util.ListBoxModel;
import hudson.util.Secret;
import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.sign.SigningKey;
import io.jenkins.plugins.immutable.testing.Fixtures;
import java.util.List;
import jenkins.model.Jenkins;
import org.htmlunit.html.HtmlButton;
import org.htmlunit.html.HtmlForm;
import org.htmlunit.html.HtmlPage;
import org.jenkinsci.plugins.plaincredentials.impl.StringCredentialsImpl;
import org.junit.Rule;
import org.junit.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.MockAuthorizationStrategy;

public class ImmutableDeliveryConfigurationTest {

    @Rule
    public JenkinsRule r = new JenkinsRule();

    /** Every kind of every section, as an administrator would fill the page in. */
    static void configureEverything(String publicKey) {
        ImmutableDeliveryConfiguration c = ImmutableDeliveryConfiguration.get();
        RegistryEntry registry = new RegistryEntry("registry.example.com:5000");
        registry.setCredentialsId("registry-login");
        RegistryEntry cache = new RegistryEntry("cache.internal:5000");
        cache.setInsecure(true);
        c.setRegistries(List.of(registry, cache));

        SigningKeyEntry key = new SigningKeyEntry("release", "release-key");
        key.setPasswordCredentialsId("release-password");
        SigningSettings signing = new SigningSettings();
        signing.setKeys(List.of(key));
        signing.setTrustedKeys(List.of(new TrustedKeyEntry("release", publicKey)));
        c.setSigning(signing);

        ScanSettings scan = new ScanSettings();
        scan.setDatabase("/var/lib/osv");
        scan.setFailOn("medium");
        scan.setFailOnFixableOnly(true);
        IgnoreEntry ignore = new IgnoreEntry("CVE-2024-0001", "not reachable from the service");
        ignore.setPackageName("openssl");
        ignore.setExpires("2027-01-31");
        scan.setIgnore(List.of(ignore));
        c.setScan(scan);

        DockerTarget docker = new DockerTarget("24100-24199");
        docker.setHost("unix:///var/run/docker.sock");
        docker.setHealthCheck("/health");
        EnvironmentEntry dev = new EnvironmentEntry("dev", "registry.example.com:5000/team/app");
        dev.setReplicas(2);
        dev.setTarget(docker);
        dev.setRouter(new HaproxyRouter("/run/haproxy/admin.sock"));
        RollingStrategy rolling = new RollingStrategy();
        rolling.setBatch(1);
        dev.setStrategy(rolling);
        dev.setUpstream(List.of());

        EnvironmentEntry staging = new EnvironmentEntry("staging", "registry.example.com:5000/team/app");
        staging.setTarget(new SwarmTarget("24200-24799"));
        BlueGreenStrategy blueGreen = new BlueGreenStrategy();
        blueGreen.setRetention("5m");
        staging.setStrategy(blueGreen);
        Gates stagingGates = new Gates();
        stagingGates.setSignedBy(List.of("release"));
        stagingGates.setScanMaxAge("24h");
        staging.setGates(stagingGates);
        staging.setUpstream(List.of("dev"));
        staging.setRequires("any");

        KubernetesTarget kubernetes = new KubernetesTarget(8080);
        kubernetes.setNamespace("apps");
        EnvironmentEntry prod = new EnvironmentEntry("prod", "registry.example.com:5000/team/app-prod");
        prod.setTarget(kubernetes);
        prod.setRouter(new KubernetesRouter());
        CanaryStrategy canary = new CanaryStrategy();
        canary.setSteps(List.of(5, 25, 50));
        canary.setPause("60s");
        canary.setAnalysis("default");
        prod.setStrategy(canary);
        Gates prodGates = new Gates();
        prodGates.setApproval(true);
        prodGates.setFromPrevious(true);
        ProvenanceRequirement provenance = new ProvenanceRequirement();
        provenance.setBuilderIds(List.of("https://jenkins.example.com/*"));
        provenance.setSourceRepositories(List.of("https://github.com/org/app.git"));
        prodGates.setProvenance(provenance);
        PromotionWindowSettings windows = new PromotionWindowSettings();
        windows.setTimeZone("Europe/Berlin");
        windows.setAllow(List.of("Mon-Fri 09:00-17:00", "Sat 10:00-12:00"));
        windows.setDeny(List.of("Fri 16:00-24:00"));
        prodGates.setWindows(windows);
        prodGates.setSoak("2h");
        ErrorBudgetRequirement slo = new ErrorBudgetRequirement("http://127.0.0.1:5107",
                "sum(rate(x{${scope},code=\"5xx\"}[${window}])) / sum(rate(x{${scope}}[${window}]))");
        slo.setObjective("99.5");
        slo.setBurnRates("1h: 14.4, 5m: 10");
        slo.setBetweenCanarySteps(true);
        prodGates.setSlo(slo);
        prod.setGates(prodGates);
        prod.setLedgerKey("release");
        prod.setUpstream(List.of("staging"));
        c.setEnvironments(List.of(dev, staging, prod));

        AnalysisTemplateEntry template = new AnalysisTemplateEntry("default");
        template.setSource(new PrometheusMetrics("http://127.0.0.1:5107"));
        template.setMinimumPoints(50);
        template.setConfidence(0.98);
        template.setMarginalTimeout("5m");
        Thresholds thresholds = new Thresholds();
        thresholds.setPass(95.0);
        thresholds.setMarginal(75.0);
        template.setThresholds(thresholds);
        template.setGroups(List.of(new GroupWeight("errors", 70), new GroupWeight("latency", 30)));
        Metric errors = new Metric("error-rate");
        errors.setGroup("errors");
        errors.setQuery("sum(irate(haproxy_server_http_responses_total{code=\"5xx\",${scope}}[1s]))");
        errors.setDirection("increase");
        errors.setCritical(true);
        Metric latency = new Metric("latency");
        latency.setGroup("latency");
        latency.setQuery("avg(haproxy_server_response_time_average_seconds{${scope}})");
        latency.setDirection("increase");
        latency.setMustHaveData(true);
        template.setMetrics(List.of(errors, latency));
        c.setAnalysisTemplates(List.of(template));
    }

    private static String publicKey() {
        try (SigningKey key = SigningKey.generate()) {
            return key.publicKey().toPem();
        }
    }

    @Test
    public void theConfigurationPageKeepsEverySectionAsTheEngineReadsIt() throws Exception {
        configureEverything(publicKey());
        DeliveryConfig before = ImmutableDeliveryConfiguration.get().toDeliveryConfig();
        assertEquals(3, before.environments().size());
        assertEquals(new StrategyConfig.Canary(List.of(5, 25, 50), "60s", "default", null),
                before.environment("prod").strategy());
        GatesConfig gates = before.environment("prod").gates();
        assertEquals(new GatesConfig.WindowsConfig("Europe/Berlin", List.of("Mon-Fri 09:00-17:00", "Sat 10:00-12:00"),
                List.of("Fri 16:00-24:00")), gates.windows());
        assertEquals("2h", gates.soak());
        assertEquals(java.util.Map.of("1h", 14.4, "5m", 10.0), gates.slo().burnRates());
        assertTrue(gates.slo().betweenCanarySteps());
        assertEquals("release", before.environment("prod").ledgerKey());

        r.configRoundtrip();

        DeliveryConfig after = ImmutableDeliveryConfiguration.get().toDeliveryConfig();
        assertEquals(before, after);
    }

    @Test
    public void theSystemPageRendersWholeAndSavesWithAndWithoutEnvironments() throws Exception {
        for (boolean environments : new boolean[] {false, true}) {
            if (environments) {
                configureEverything(publicKey());
            }
            DeliveryConfig before = ImmutableDeliveryConfiguration.get().toDeliveryConfig();
            HtmlPage page = r.createWebClient().goTo("manage/configure");
            HtmlForm form = page.getFormByName("config");
            // a label Jelly cannot parse ends the page early: no Save button, nothing of the plugins after it
            HtmlButton save = r.getButtonByCaption(form, "Save");
            assertNotNull("the Save button is on the page", save);
            String text = page.asNormalizedText();
            assertThat(text, containsString("Immutable Delivery"));
            assertThat(page.getWebResponse().getContentAsString(), containsString("</form>"));
            r.submit(form);
            assertEquals("saved as it was (" + (environments ? "with" : "without") + " environments)", before,
                    ImmutableDeliveryConfiguration.get().toDeliveryConfig());
        }
        assertEquals(3, ImmutableDeliveryConfiguration.get().getEnvironments().size());
        assertEquals("5m", ImmutableDeliveryConfiguration.get().toDeliveryConfig().analysisTemplates().get(0)
                .marginalTimeout());
    }

    @Test
    public void theConfigurationSurvivesARestartOfItsStorage() throws Exception {
        configureEverything(publicKey());
        DeliveryConfig before = ImmutableDeliveryConfiguration.get().toDeliveryConfig();
        ImmutableDeliveryConfiguration reloaded = new ImmutableDeliveryConfiguration();
        assertEquals(before, reloaded.toDeliveryConfig());
    }

    @Test
    public void aGateNamingAnUntrustedKeyIsRefusedWithTheEngineMessage() {
        configureEverything(publicKey());
        Gates gates = new Gates();
        gates.setSignedBy(List.of("qa"));
        ImmutableDeliveryConfiguration.get().getEnvironments().get(0).setGates(gates);
        EngineException e = assertThrows(EngineException.class,
                () -> ImmutableDeliveryConfiguration.get().toDeliveryConfig());
        assertThat(e.getMessage(), containsString("requires a signature by 'qa', which is not among the trusted"
                + " keys; add it under signing.trustedKeys"));
    }

    @Test
    public void formChecksAskTheEngine() {
        DockerTarget.DescriptorImpl docker = r.jenkins.getDescriptorByType(DockerTarget.DescriptorImpl.class);
        assertEquals(FormValidation.Kind.OK, docker.doCheckPorts("24100-24199").kind);
        FormValidation bad = docker.doCheckPorts("24199-24100");
        assertEquals(FormValidation.Kind.ERROR, bad.kind);
        assertThat(bad.getMessage(), containsString("is not a port range"));

        CanaryStrategy.DescriptorImpl canary = r.jenkins.getDescriptorByType(CanaryStrategy.DescriptorImpl.class);
        assertEquals(FormValidation.Kind.OK, canary.doCheckSteps(null, "5, 25, 50", "default").kind);
        assertEquals(FormValidation.Kind.ERROR, canary.doCheckSteps(null, "5, 60", "default").kind);
        assertEquals(FormValidation.Kind.ERROR, canary.doCheckSteps(null, "25, 5", null).kind);

        TrustedKeyEntry.DescriptorImpl trusted = r.jenkins.getDescriptorByType(TrustedKeyEntry.DescriptorImpl.class);
        assertEquals(FormValidation.Kind.OK, trusted.doCheckPublicKey(publicKey()).kind);
        assertEquals(FormValidation.Kind.ERROR, trusted.doCheckPublicKey("ssh-ed25519 AAAA").kind);

        Gates.DescriptorImpl gates = r.jenkins.getDescriptorByType(Gates.DescriptorImpl.class);
        assertEquals(FormValidation.Kind.OK, gates.doCheckSoak("30m").kind);
        assertThat(gates.doCheckSoak("0s").getMessage(), containsString("must be longer than zero"));
        PromotionWindowSettings.DescriptorImpl windows = r.jenkins.getDescriptorByType(
                PromotionWindowSettings.DescriptorImpl.class);
        assertEquals(FormValidation.Kind.OK, windows.doCheckAllow("Mon-Fri 09:00-17:00\nSat 10:00-12:00").kind);
        assertEquals(FormValidation.Kind.ERROR, windows.doCheckAllow("Mon-Fri 9 to 5").kind);
        assertEquals(FormValidation.Kind.ERROR, windows.doCheckTimeZone("Mars/Olympus").kind);
        ErrorBudgetRequirement.DescriptorImpl slo = r.jenkins.getDescriptorByType(
                ErrorBudgetRequirement.DescriptorImpl.class);
        assertEquals(FormValidation.Kind.OK, slo.doCheckBurnRates("1h: 14.4, 5m: 10").kind);
        assertThat(slo.doCheckBurnRates("1h 14.4").getMessage(), containsString("write window: threshold pairs"));
        assertThat(slo.doCheckBurnRates("1h: 0").getMessage(), containsString("positive threshold"));
        assertThat(slo.doCheckErrorRatio("sum(rate(x[5m]))").getMessage(), containsString("needs ${window}"));
        assertEquals(FormValidation.Kind.ERROR, slo.doCheckObjective("100").kind);
        assertThat(slo.doCheckObjective("three nines").getMessage(), containsString("write the SLO in percent"));
        assertEquals(FormValidation.Kind.ERROR, slo.doCheckPrometheus("127.0.0.1:9090").kind);
    }

    @Test
    public void credentialsDropDownsOfferOnlyTheKindTheFieldNeeds() throws Exception {
        Fixtures.addCredentials(new UsernamePasswordCredentialsImpl(CredentialsScope.GLOBAL, "registry-login",
                "registry", "ci", "s3cret-password"));
        Fixtures.addCredentials(new StringCredentialsImpl(CredentialsScope.GLOBAL, "release-password", "password",
                Secret.fromString("key password")));
        ListBoxModel logins = r.jenkins.getDescriptorByType(RegistryEntry.DescriptorImpl.class)
                .doFillCredentialsIdItems("");
        assertEquals(List.of("", "registry-login"), logins.stream().map(o -> o.value).toList());
        ListBoxModel passwords = r.jenkins.getDescriptorByType(SigningKeyEntry.DescriptorImpl.class)
                .doFillPasswordCredentialsIdItems("");
        assertEquals(List.of("", "release-password"), passwords.stream().map(o -> o.value).toList());
    }

    @Test
    public void onlyAdministratorsSeeTheCredentialsChoices() throws Exception {
        r.jenkins.setSecurityRealm(r.createDummySecurityRealm());
        r.jenkins.setAuthorizationStrategy(new MockAuthorizationStrategy().grant(Jenkins.READ).everywhere()
                .to("reader"));
        Fixtures.addCredentials(new UsernamePasswordCredentialsImpl(CredentialsScope.GLOBAL, "registry-login",
                "registry", "ci", "s3cret-password"));
        try (ACLContext ignored = ACL.as2(User.getById("reader", true).impersonate2())) {
            ListBoxModel logins = r.jenkins.getDescriptorByType(RegistryEntry.DescriptorImpl.class)
                    .doFillCredentialsIdItems("current");
            assertEquals(List.of("current"), logins.stream().map(o -> o.value).toList());
        }
    }
}
