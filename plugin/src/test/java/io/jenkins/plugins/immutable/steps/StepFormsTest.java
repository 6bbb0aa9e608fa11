package io.jenkins.plugins.immutable.steps;

import static org.junit.Assert.assertEquals;

import io.jenkins.plugins.immutable.config.BlueGreenStrategy;
import io.jenkins.plugins.immutable.config.CanaryStrategy;
import io.jenkins.plugins.immutable.config.RollingStrategy;
import java.util.List;
import java.util.Map;
import org.jenkinsci.plugins.structs.describable.UninstantiatedDescribable;
import org.jenkinsci.plugins.workflow.cps.SnippetizerTester;
import org.jenkinsci.plugins.workflow.steps.StepConfigTester;
import org.junit.Rule;
import org.junit.Test;
import org.jvnet.hudson.test.JenkinsRule;

/** Every step's Snippet Generator form and Pipeline syntax give back what they were given. */
public class StepFormsTest {

    private static final String IMAGE = "registry.example.com:5000/team/app@sha256:"
            + "1234abcd5678ef901234abcd5678ef901234abcd5678ef901234abcd5678ef90";

    @Rule
    public JenkinsRule r = new JenkinsRule();

    @Test
    public void bakeImageRoundTrips() throws Exception {
        BakeImageStep docker = new BakeImageStep("registry.example.com:5000/team/app:1.0");
        docker.setContext("service");
        docker.setDockerfile("service/Dockerfile.release");
        docker.setBuildArgs(List.of("VERSION=1.0", "CHANNEL=stable"));
        docker.setTarget("runtime");
        docker.setPull(true);
        docker.setLabels(List.of("team=payments"));
        r.assertEqualDataBoundBeans(docker, new StepConfigTester(r).configRoundTrip(docker));
        new SnippetizerTester(r).assertRoundTrip(docker, "bakeImage buildArgs: ['VERSION=1.0', 'CHANNEL=stable'],"
                + " context: 'service', dockerfile: 'service/Dockerfile.release',"
                + " image: 'registry.example.com:5000/team/app:1.0', labels: ['team=payments'], pull: true,"
                + " target: 'runtime'");

        BakeImageStep daemonless = new BakeImageStep("registry.example.com:5000/team/app:1.0");
        daemonless.setLayers(List.of("build/app.jar:/app/", "config/:/etc/app/"));
        daemonless.setFrom("registry.example.com:5000/base/jre@sha256:"
                + "1234abcd5678ef901234abcd5678ef901234abcd5678ef901234abcd5678ef90");
        daemonless.setEntrypoint(List.of("java", "-jar", "/app/app.jar"));
        daemonless.setEnv(List.of("JAVA_OPTS=-Xmx256m"));
        daemonless.setExpose(List.of("8080/tcp"));
        r.assertEqualDataBoundBeans(daemonless, new StepConfigTester(r).configRoundTrip(daemonless));

        new SnippetizerTester(r).assertRoundTrip(new BakeImageStep("registry.example.com/app:2"),
                "bakeImage 'registry.example.com/app:2'");
    }

    @Test
    public void signVerifyAndScanRoundTrip() throws Exception {
        SignImageStep sign = new SignImageStep(IMAGE);
        sign.setKey("release");
        sign.setAnnotations(List.of("pipeline=release"));
        sign.setAttestProvenance(false);
        r.assertEqualDataBoundBeans(sign, new StepConfigTester(r).configRoundTrip(sign));
        new SnippetizerTester(r).assertRoundTrip(sign, "signImage annotations: ['pipeline=release'],"
                + " attestProvenance: false, image: '" + IMAGE + "', key: 'release'");

        VerifyImageStep verify = new VerifyImageStep(IMAGE);
        verify.setKeys(List.of("release", "qa"));
        verify.setAttestations(List.of("slsaprovenance1", "vuln"));
        verify.setIdentities(List.of("registry.example.com:5000/team/app-ci"));
        r.assertEqualDataBoundBeans(verify, new StepConfigTester(r).configRoundTrip(verify));
        new SnippetizerTester(r).assertRoundTrip(verify, "verifyImage attestations: ['slsaprovenance1', 'vuln'],"
                + " identities: ['registry.example.com:5000/team/app-ci'], image: '" + IMAGE + "',"
                + " keys: ['release', 'qa']");

        ScanImageStep scan = new ScanImageStep(IMAGE);
        scan.setFailOn("critical");
        scan.setIgnore(List.of("CVE-2023-42366=not reachable: awk is not used"));
        scan.setAttest(true);
        scan.setKey("release");
        scan.setMarkUnstable(true);
        r.assertEqualDataBoundBeans(scan, new StepConfigTester(r).configRoundTrip(scan));
        new SnippetizerTester(r).assertRoundTrip(scan, "scanImage attest: true, failOn: 'critical',"
                + " ignore: ['CVE-2023-42366=not reachable: awk is not used'], image: '" + IMAGE + "',"
                + " key: 'release', markUnstable: true");
    }

    @Test
    public void promoteImageRoundTripsWithEachStrategy() throws Exception {
        PromoteImageStep own = new PromoteImageStep(IMAGE, "prod");
        r.assertEqualDataBoundBeans(own, new StepConfigTester(r).configRoundTrip(own));
        new SnippetizerTester(r).assertRoundTrip(own, "promoteImage image: '" + IMAGE + "', to: 'prod'");

        PromoteImageStep canary = new PromoteImageStep(IMAGE, "prod");
        CanaryStrategy c = new CanaryStrategy();
        c.setSteps(List.of(5, 25, 50));
        c.setAnalysis("default");
        canary.setStrategy(c);
        canary.setApprovers("release-managers");
        r.assertEqualDataBoundBeans(canary, new StepConfigTester(r).configRoundTrip(canary));
        new SnippetizerTester(r).assertRoundTrip(canary, "promoteImage approvers: 'release-managers', image: '"
                + IMAGE + "', strategy: canary(analysis: 'default', steps: [5, 25, 50]), to: 'prod'");

        PromoteImageStep blueGreen = new PromoteImageStep(IMAGE, "staging");
        BlueGreenStrategy b = new BlueGreenStrategy();
        b.setRetention("30m");
        blueGreen.setStrategy(b);
        r.assertEqualDataBoundBeans(blueGreen, new StepConfigTester(r).configRoundTrip(blueGreen));
        new SnippetizerTester(r).assertRoundTrip(blueGreen, "promoteImage image: '" + IMAGE
                + "', strategy: blueGreen(retention: '30m'), to: 'staging'");

        new SnippetizerTester(r).assertParseStep(canary, "promoteImage image: '" + IMAGE + "', to: 'prod',"
                + " approvers: 'release-managers', strategy: canary(steps: [5, 25, 50], analysis: 'default')");

        // a variant of production taking what one of its upstream environments serves: no image
        PromoteImageStep live = new PromoteImageStep(null, "prod-eu");
        live.setFrom("hotfix");
        r.assertEqualDataBoundBeans(live, new StepConfigTester(r).configRoundTrip(live));
        new SnippetizerTester(r).assertRoundTrip(live, "promoteImage from: 'hotfix', to: 'prod-eu'");
    }

    @Test
    public void rollbackImageRoundTrips() throws Exception {
        RollbackImageStep previous = new RollbackImageStep("prod");
        r.assertEqualDataBoundBeans(previous, new StepConfigTester(r).configRoundTrip(previous));
        new SnippetizerTester(r).assertRoundTrip(previous, "rollbackImage 'prod'");

        RollbackImageStep forced = new RollbackImageStep("prod");
        forced.setTo("sha256:1234abcd5678ef901234abcd5678ef901234abcd5678ef901234abcd5678ef90");
        forced.setForce("the scan database flags a false positive");
        RollingStrategy rolling = new RollingStrategy();
        rolling.setBatch(2);
        forced.setStrategy(rolling);
        r.assertEqualDataBoundBeans(forced, new StepConfigTester(r).configRoundTrip(forced));
        new SnippetizerTester(r).assertRoundTrip(forced, "rollbackImage environment: 'prod',"
                + " force: 'the scan database flags a false positive', strategy: rolling(batch: 2),"
                + " to: 'sha256:1234abcd5678ef901234abcd5678ef901234abcd5678ef901234abcd5678ef90'");
    }

    @Test
    public void stepsReadAsSentencesInGraphViews() {
        PromoteImageStep.DescriptorImpl promote = r.jenkins.getDescriptorByType(PromoteImageStep.DescriptorImpl.class);
        assertEquals("app@sha256:1234abcd to prod (canary)", promote.argumentsToString(Map.of("image", IMAGE,
                "to", "prod", "strategy", new UninstantiatedDescribable("canary", null, Map.of()))));
        assertEquals("app@sha256:1234abcd to staging", promote.argumentsToString(Map.of("image", IMAGE,
                "to", "staging")));
        RollbackImageStep.DescriptorImpl rollback = r.jenkins.getDescriptorByType(
                RollbackImageStep.DescriptorImpl.class);
        assertEquals("prod (forced)", rollback.argumentsToString(Map.of("environment", "prod", "force", "why")));
        assertEquals("Promote a container image", promote.getDisplayName());
    }

    @Test
    public void everyStepHasItsReferenceDocumentation() throws Exception {
        for (Class<?> c : List.of(BakeImageStep.class, SignImageStep.class, VerifyImageStep.class,
                ScanImageStep.class, PromoteImageStep.class, RollbackImageStep.class)) {
            SnippetizerTester.assertDocGeneration(c.asSubclass(org.jenkinsci.plugins.workflow.steps.Step.class));
        }
    }
}
