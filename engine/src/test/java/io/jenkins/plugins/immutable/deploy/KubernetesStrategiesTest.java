package io.jenkins.plugins.immutable.deploy;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.jenkins.plugins.immutable.deploy.kubernetes.KubernetesServiceRouter;
import io.jenkins.plugins.immutable.deploy.kubernetes.KubernetesTarget;
import io.jenkins.plugins.immutable.image.Digest;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;

/**
 * The strategies on Kubernetes, against fabric8's mock API server in CRUD mode (the only Kubernetes here), with
 * {@link FakeKubernetesControllers} standing in for the controllers and kubelets. What this proves: the objects the
 * engine writes (Deployments per track pinned by digest with a start-first rolling update and a readiness probe, the
 * Service selector), the order of its writes, and how it reads rollout status. What it does not: see docs/deploy.md.
 */
public class KubernetesStrategiesTest {

    private static final String NS = "apps";
    private static final String REPO = "registry.example.com/team/app";
    private static final Digest V1 = Digest.sha256("v1".getBytes(StandardCharsets.UTF_8));
    private static final Digest V2 = Digest.sha256("v2".getBytes(StandardCharsets.UTF_8));
    private static final HealthCheck HEALTH = new HealthCheck("/healthz", Duration.ofSeconds(5), Duration.ofMillis(20));

    private KubernetesMockServer server;
    private KubernetesClient client;
    private FakeKubernetesControllers controllers;
    private KubernetesTarget target;
    private KubernetesServiceRouter router;
    private final List<String> log = new ArrayList<>();

    @Before
    public void startMockServer() {
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(), true);
        server.init(InetAddress.getLoopbackAddress(), Ports.free());
        client = server.createClient();
        controllers = new FakeKubernetesControllers(client, NS);
        target = new KubernetesTarget(client, NS, 8080, HEALTH);
        router = new KubernetesServiceRouter(client, NS, 80, 8080);
    }

    @After
    public void stopMockServer() throws Exception {
        controllers.close();
        client.close();
        server.destroy();
    }

    private Deployer.Builder deployer() throws Exception {
        return Deployer.builder(target, router, new FileDeploymentJournal(Files.createTempDirectory("journal")))
                .listener(line -> {
                    log.add(line);
                    System.out.println(line);
                });
    }

    private Deployment deployment(String env, Track track) {
        return client.apps().deployments().inNamespace(NS).withName(KubernetesTarget.deploymentName(env, track)).get();
    }

    private long pods(String env, Track track, Digest digest) {
        return target.instances(env).stream().filter(i -> i.track() == track && i.isRunning() && i.runs(digest))
                .count();
    }

    /** Jenkins' kubernetes-client-api plugin runs fabric8 over OkHttp; so do these tests (engine/pom.xml). */
    @Test
    public void theClientTalksOverOkHttpAsInJenkins() {
        String http = client.getHttpClient().getClass().getName();
        assertTrue(http, http.startsWith("io.fabric8.kubernetes.client.okhttp."));
    }

    @Test
    public void rollingUpdatesTheDeploymentInPlaceStartFirst() throws Exception {
        Deployer deployer = deployer().build();
        assertEquals(Phase.SUCCEEDED, deployer.deploy("shop", REPO, V1, 3, new Rolling(1)).phase());
        DeploymentState state = deployer.deploy("shop", REPO, V2, 3, new Rolling(1));
        assertEquals(state.message(), Phase.SUCCEEDED, state.phase());

        Deployment blue = deployment("shop", Track.BLUE);
        assertEquals("the controllers saw the new generation", blue.getMetadata().getGeneration(),
                blue.getStatus().getObservedGeneration());
        assertEquals(REPO + "@" + V2, blue.getSpec().getTemplate().getSpec().getContainers().get(0).getImage());
        assertEquals(1, (int) blue.getSpec().getStrategy().getRollingUpdate().getMaxSurge().getIntVal());
        assertEquals(0, (int) blue.getSpec().getStrategy().getRollingUpdate().getMaxUnavailable().getIntVal());
        assertEquals("/healthz", blue.getSpec().getTemplate().getSpec().getContainers().get(0).getReadinessProbe()
                .getHttpGet().getPath());
        assertEquals(V2.toString(), blue.getSpec().getTemplate().getMetadata().getAnnotations()
                .get(KubernetesTarget.DIGEST));
        assertEquals(3, pods("shop", Track.BLUE, V2));
        assertEquals(Map.of(KubernetesTarget.ENVIRONMENT, "shop", KubernetesTarget.TRACK, "blue"),
                router.selector("shop"));
    }

    @Test
    public void aStalledRolloutIsRolledBackToThePreviousDigest() throws Exception {
        Deployer deployer = deployer().build();
        deployer.deploy("shop", REPO, V1, 2, new Rolling(1));
        Digest bad = Digest.sha256("crashes".getBytes(StandardCharsets.UTF_8));
        controllers.crashing.add(bad.toString());
        DeploymentState state = deployer.deploy("shop", REPO, bad, 2, new Rolling(1));
        assertEquals(Phase.ROLLED_BACK, state.phase());
        assertTrue(state.message(), state.message().contains("ProgressDeadlineExceeded"));
        assertEquals(REPO + "@" + V1, deployment("shop", Track.BLUE).getSpec().getTemplate().getSpec()
                .getContainers().get(0).getImage());
        assertEquals(2, pods("shop", Track.BLUE, V1));
    }

    @Test
    public void blueGreenSwitchesTheServiceSelectorAndRollsBackByTheSameSwitch() throws Exception {
        List<Map<String, String>> selectors = new ArrayList<>();
        Deployer deployer = deployer().onSaved(s -> selectors.add(router.selector("shop"))).build();
        deployer.deploy("shop", REPO, V1, 2, new BlueGreen(Duration.ofMinutes(10)));
        selectors.clear();
        DeploymentState state = deployer.deploy("shop", REPO, V2, 2, new BlueGreen(Duration.ofMinutes(10)));
        assertEquals(Phase.RETAINING, state.phase());
        Map<String, String> blue = Map.of(KubernetesTarget.ENVIRONMENT, "shop", KubernetesTarget.TRACK, "blue");
        Map<String, String> green = Map.of(KubernetesTarget.ENVIRONMENT, "shop", KubernetesTarget.TRACK, "green");
        assertTrue("blue until green was up: " + selectors, selectors.indexOf(green) > selectors.lastIndexOf(blue)
                && selectors.contains(blue));
        assertEquals(green, router.selector("shop"));
        assertEquals("the old colour is kept at full size", 2, pods("shop", Track.BLUE, V1));
        assertEquals(2, pods("shop", Track.GREEN, V2));

        DeploymentState back = deployer.rollback("shop", "errors after the switch");
        assertEquals(Phase.ROLLED_BACK, back.phase());
        assertEquals(blue, router.selector("shop"));
        assertNull(deployment("shop", Track.GREEN));
        assertEquals(2, pods("shop", Track.BLUE, V1));
    }

    @Test
    public void canarySplitsByReplicaCountsThenPromotes() throws Exception {
        List<CanaryStep> steps = new ArrayList<>();
        List<Map<String, String>> selectors = new ArrayList<>();
        List<Map<Track, Integer>> replicas = new ArrayList<>();
        Deployer deployer = deployer().analysis(step -> {
            steps.add(step);
            selectors.add(router.selector("shop"));
            Map<Track, Integer> counts = new java.util.EnumMap<>(Track.class);
            for (Track t : Track.values()) {
                Deployment d = deployment("shop", t);
                if (d != null) {
                    counts.put(t, d.getSpec().getReplicas());
                }
            }
            replicas.add(counts);
            return CanaryDecision.proceed("pass");
        }).build();
        deployer.deploy("shop", REPO, V1, 4, new Rolling(1));
        DeploymentState state = deployer.deploy("shop", REPO, V2, 4, new Canary(List.of(
                new Canary.Step(10, Duration.ZERO), new Canary.Step(25, Duration.ZERO)), 1, true));
        assertEquals(state.message(), Phase.SUCCEEDED, state.phase());
        assertEquals(List.of(Map.of(Track.BLUE, 4, Track.GREEN, 1, Track.BASELINE, 1),
                Map.of(Track.BLUE, 4, Track.GREEN, 2, Track.BASELINE, 2)), replicas);
        assertEquals("split: the Service selects every track", Map.of(KubernetesTarget.ENVIRONMENT, "shop"),
                selectors.get(0));
        assertEquals(V1, steps.get(0).baselineInstances().get(0).digest());
        assertEquals(Map.of(KubernetesTarget.ENVIRONMENT, "shop", KubernetesTarget.TRACK, "green"),
                router.selector("shop"));
        assertEquals(4, pods("shop", Track.GREEN, V2));
        assertNull(deployment("shop", Track.BLUE));
        assertNull(deployment("shop", Track.BASELINE));
        assertNotNull(deployment("shop", Track.GREEN));
    }
}
