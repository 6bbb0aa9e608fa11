package io.jenkins.plugins.immutable.analysis;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Container;
import io.jenkins.plugins.immutable.ProgressListener;
import io.jenkins.plugins.immutable.deploy.Canary;
import io.jenkins.plugins.immutable.deploy.Deployer;
import io.jenkins.plugins.immutable.deploy.DeploymentState;
import io.jenkins.plugins.immutable.deploy.FileDeploymentJournal;
import io.jenkins.plugins.immutable.deploy.HealthCheck;
import io.jenkins.plugins.immutable.deploy.Phase;
import io.jenkins.plugins.immutable.deploy.Track;
import io.jenkins.plugins.immutable.deploy.docker.DockerClients;
import io.jenkins.plugins.immutable.deploy.docker.DockerHostTarget;
import io.jenkins.plugins.immutable.deploy.haproxy.HAProxyRouter;
import io.jenkins.plugins.immutable.image.Digest;
import io.jenkins.plugins.immutable.testing.LoadLoop;
import io.jenkins.plugins.immutable.testing.Stack;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;
import org.junit.After;
import org.junit.BeforeClass;
import org.junit.Rule;
import org.junit.Test;

/**
 * The whole loop on the local stack: a canary deployed on the Docker host behind HAProxy, under a bounded load on
 * loopback, scraped by Prometheus every 250 ms, judged between weight steps from Prometheus' points. A canary that
 * answers 500 to one request in five is judged Fail at its first step and rolled back by itself; no request fails
 * beyond the canary's own share. A good canary walks every step and is promoted.
 *
 * <p>Timing: 50 points per scope and metric (the default minimum, Spinnaker's advice) at one point per 250 ms need
 * 12.5 s per step; each step pauses 14 s. The bad canary takes one step, the good one three.
 */
public class CanaryAnalysisEndToEndTest {

    private static final Duration STEP_PAUSE = Duration.ofSeconds(14);
    private static final HealthCheck HEALTH = new HealthCheck("/", Duration.ofSeconds(8), Duration.ofMillis(50));

    private static String repository;
    private static Digest v1;
    private static Digest v2Good;
    private static Digest v2Bad;
    private static Digest v2Marginal;

    @Rule
    public final AnalysisServers servers = new AnalysisServers();

    private final DockerClient docker = DockerClients.connect(Stack.dockerHost());
    private final List<String> log = Collections.synchronizedList(new ArrayList<>());
    private final long t0 = System.nanoTime();
    private final ProgressListener listener = line -> {
        line = String.format("%6d ms %s", (System.nanoTime() - t0) / 1_000_000, line);
        log.add(line);
        System.out.println(line);
    };
    private Path journal;

    /**
     * Busybox httpd answering {@code /cgi-bin/app} through a CGI script that counts requests and, in the bad version,
     * answers 500 to every fifth; {@code /} is HAProxy's and the target's health check.
     */
    @BeforeClass
    public static void buildImages() throws Exception {
        DockerClient docker = DockerClients.connect(Stack.dockerHost());
        repository = Stack.registry() + "/" + Stack.uniqueRepository("analysis-canary");
        v1 = build(docker, "v1", 0, null);
        v2Good = build(docker, "v2-good", 0, null);
        v2Bad = build(docker, "v2-bad", 5, "500 Internal Server Error");
        v2Marginal = build(docker, "v2-marginal", 5, "404 Not Found");
    }

    /** An image whose app answers {@code status} to every {@code failEvery}th request (never, with 0). */
    private static Digest build(DockerClient docker, String version, int failEvery, String status) throws IOException {
        Path dir = Files.createTempDirectory("an-image");
        try {
            Files.copy(Path.of("/bin/busybox"), dir.resolve("busybox"));
            Files.createDirectories(dir.resolve("www/cgi-bin"));
            Files.createDirectories(dir.resolve("tmp"));
            Files.writeString(dir.resolve("www/index.html"), version + "\n");
            String answer = failEvery == 0 ? "printf 'Content-Type: text/plain\\r\\n\\r\\n%s\\n' " + version + "\n"
                    : """
                    if [ $((n %% %d)) -eq 0 ]; then
                      printf 'Status: %s\\r\\nContent-Type: text/plain\\r\\n\\r\\n%%s failed\\n' %s
                    else
                      printf 'Content-Type: text/plain\\r\\n\\r\\n%%s\\n' %s
                    fi
                    """.formatted(failEvery, status, version, version);
            Path app = dir.resolve("www/cgi-bin/app");
            Files.writeString(app, """
                    #!/bin/sh
                    # One byte per request, appended atomically: the file's size counts the requests.
                    echo -n x >> /tmp/requests
                    n=$(/bin/busybox wc -c < /tmp/requests)
                    """ + answer);
            Files.setPosixFilePermissions(app, PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.writeString(dir.resolve("Dockerfile"), """
                    FROM scratch
                    COPY busybox /bin/busybox
                    COPY busybox /bin/sh
                    COPY www /www
                    COPY tmp /tmp
                    CMD ["/bin/sh", "-c", "/bin/busybox httpd -f -p 127.0.0.1:$PORT -h /www & pid=$!; trap 'kill $pid; exit 0' TERM; wait $pid"]
                    """);
            String tag = repository + ":" + version;
            docker.buildImageCmd(dir.toFile()).withTags(Set.of(tag)).start().awaitImageId();
            docker.pushImageCmd(repository).withTag(version).start().awaitCompletion();
            return docker.inspectImageCmd(tag).exec().getRepoDigests().stream()
                    .filter(d -> d.startsWith(repository + "@")).map(d -> Digest.parse(d.substring(d.indexOf('@') + 1)))
                    .findFirst().orElseThrow(() -> new IllegalStateException(tag + " was pushed but has no digest"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @After
    public void removeContainers() throws IOException {
        for (Container c : docker.listContainersCmd().withShowAll(true)
                .withLabelFilter(Map.of(DockerHostTarget.ENVIRONMENT, servers.environment)).exec()) {
            docker.removeContainerCmd(c.getId()).withForce(true).exec();
        }
        if (journal != null) {
            try (Stream<Path> files = Files.walk(journal)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private DockerHostTarget target;

    private Deployer deployer(MetricCanaryAnalysis analysis) throws IOException {
        int first = 27000 + ThreadLocalRandom.current().nextInt(40) * 20;
        target = new DockerHostTarget(docker, "127.0.0.1", first, first + 19, HEALTH);
        journal = Files.createTempDirectory("an-journal");
        return Deployer.builder(target, new HAProxyRouter(servers.runtime()), new FileDeploymentJournal(journal))
                .analysis(analysis).listener(listener).drainTimeout(Duration.ofSeconds(5)).build();
    }

    /** Per-server rate of HAProxy's answers of one status class, scoped to the baseline's or the canary's servers. */
    private static String answers(String statusClass) {
        return "sum(irate(haproxy_server_http_responses_total{code=\"" + statusClass + "\",${scope}}[1s]))";
    }

    private static final CanaryMetric ERRORS = CanaryMetric.of("errors", answers("5xx")).inGroup("errors")
            .failingOn(Direction.INCREASE).asCritical();
    private static final CanaryMetric SUCCESSES = CanaryMetric.of("successes", answers("2xx")).inGroup("traffic")
            .failingOn(Direction.DECREASE).withEffectSize(EffectSize.meanRatio(1, 0.9));

    /** Errors decide (critical); successful answers must not fall; one point per 250 ms, 50 points at least. */
    private MetricCanaryAnalysis analysis() {
        AnalysisTemplate template = AnalysisTemplate.of(List.of(ERRORS, SUCCESSES))
                .withGroupWeights(Map.of("errors", 70.0));
        return MetricCanaryAnalysis.builder(template, prometheus()).listener(listener).build();
    }

    private PrometheusSource prometheus() {
        return new PrometheusSource(servers.prometheus()).withStep(Duration.ofMillis(250));
    }

    /**
     * As {@link #analysis()}, with client errors judged too, in a group of their own worth 25: a canary answering 404
     * to one request in five keeps errors passing and fails client errors (and perhaps successes), scoring 50 or 75,
     * which these thresholds (pass 90, marginal 40) call Marginal.
     */
    private MetricCanaryAnalysis marginalAnalysis(MarginalHook hook, Duration timeout) {
        CanaryMetric clientErrors = CanaryMetric.of("client errors", answers("4xx")).inGroup("client")
                .failingOn(Direction.INCREASE);
        AnalysisTemplate template = AnalysisTemplate.of(List.of(ERRORS, clientErrors, SUCCESSES))
                .withGroupWeights(Map.of("errors", 50.0, "client", 25.0, "traffic", 25.0))
                .withThresholds(new ScoreThresholds(90, 40));
        return MetricCanaryAnalysis.builder(template, prometheus()).listener(listener).marginal(hook)
                .marginalTimeout(timeout).build();
    }

    private List<Track> running(Track track) {
        return target.instances(servers.environment).stream().filter(i -> i.isRunning() && i.track() == track)
                .map(i -> i.track()).toList();
    }

    @Test
    public void aCanaryFailingOneRequestInFiveIsRolledBackByItself() throws Exception {
        MetricCanaryAnalysis analysis = analysis();
        Deployer deployer = deployer(analysis);
        String env = servers.environment;
        assertEquals(Phase.SUCCEEDED, deployer.deploy(env, repository, v1, 2, Canary.of(Duration.ZERO, 5)).phase());
        DeploymentState state;
        long rolledBack;
        try (LoadLoop load = LoadLoop.start(servers.frontend(), "/cgi-bin/app", 2)) {
            state = deployer.deploy(env, repository, v2Bad, 2, Canary.of(STEP_PAUSE, 5, 25, 50));
            rolledBack = System.nanoTime();
            Thread.sleep(1000);
            load.close();
            Map<String, Integer> all = load.countsSince(0);
            Map<String, Integer> after = load.countsSince(rolledBack + 200_000_000L);
            System.out.println("answers: " + all + "; after the rollback: " + after);
            // Every request that failed was the canary's own 500; nothing failed while traffic moved.
            for (String answer : all.keySet()) {
                assertTrue(answer + " in " + all, answer.equals("v1") || answer.equals("v2-bad")
                        || answer.equals("500 v2-bad failed"));
            }
            int canaryOk = all.getOrDefault("v2-bad", 0);
            int canaryFailed = all.getOrDefault("500 v2-bad failed", 0);
            assertTrue("the canary answered and failed its share: " + all, canaryFailed > 0
                    && canaryFailed <= (canaryOk + canaryFailed) / 5 + 1);
            int total = all.values().stream().mapToInt(Integer::intValue).sum();
            assertTrue("the canary had about 5% of the requests: " + all,
                    canaryOk + canaryFailed < total * 0.08);
            assertEquals("after the rollback only the live version answers", Set.of("v1"), after.keySet());
        }
        assertEquals(state.message(), Phase.ROLLED_BACK, state.phase());
        assertTrue(state.message(), state.message().contains("canary analysis at 5%: Fail: score 0"));
        CanaryReport report = analysis.report(state.id()).orElseThrow();
        assertEquals(Verdict.FAIL, report.verdict());
        assertEquals(1, report.judgements().size());
        MetricResult errors = report.last().metrics().get(0);
        assertEquals(errors.reason(), Classification.HIGH, errors.classification());
        assertTrue(errors.reason(), errors.reason().startsWith("baseline is 0 at all "));
        assertTrue(errors.canary().points() >= 50);
        assertEquals(List.of(), running(Track.BASELINE));
        assertEquals(2, running(Track.BLUE).size() + running(Track.GREEN).size());
        assertEquals(report, CanaryReport.fromJson(report.toJson()));
    }

    @Test
    public void aGoodCanaryWalksEveryStepAndIsPromoted() throws Exception {
        MetricCanaryAnalysis analysis = analysis();
        Deployer deployer = deployer(analysis);
        String env = servers.environment;
        assertEquals(Phase.SUCCEEDED, deployer.deploy(env, repository, v1, 2, Canary.of(Duration.ZERO, 5)).phase());
        DeploymentState state;
        try (LoadLoop load = LoadLoop.start(servers.frontend(), "/cgi-bin/app", 2)) {
            state = deployer.deploy(env, repository, v2Good, 2, Canary.of(STEP_PAUSE, 5, 25, 50));
            long promoted = System.nanoTime();
            Thread.sleep(1000);
            load.close();
            Map<String, Integer> all = load.countsSince(0);
            System.out.println("answers: " + all);
            assertEquals("no request failed: " + all, Set.of("v1", "v2-good"), all.keySet());
            assertEquals(Set.of("v2-good"), load.countsSince(promoted + 200_000_000L).keySet());
        }
        assertEquals(state.message(), Phase.SUCCEEDED, state.phase());
        CanaryReport report = analysis.report(state.id()).orElseThrow();
        assertEquals(report.summary(), Verdict.PASS, report.verdict());
        assertEquals(List.of(5, 25, 50), report.judgements().stream().map(Judgement::canaryWeight).toList());
        for (Judgement j : report.judgements()) {
            assertEquals(j.reason(), Verdict.PASS, j.verdict());
            for (MetricResult m : j.metrics()) {
                assertTrue(m.name() + ": " + m.canary().points(), m.canary().points() >= 50);
            }
        }
        assertEquals(List.of(), running(Track.BASELINE));
        assertEquals(2, running(Track.BLUE).size() + running(Track.GREEN).size());
    }

    @Test
    public void aMarginalCanaryGoesOnWhenSomeoneDecidesSoAndTheDecisionIsRecorded() throws Exception {
        List<MarginalQuestion> asked = Collections.synchronizedList(new ArrayList<>());
        MetricCanaryAnalysis analysis = marginalAnalysis(MarginalHook.deciding(q -> {
            asked.add(q);
            return Decision.proceed("release-engineer", "404s from retired links, expected");
        }), Duration.ofMinutes(5));
        Deployer deployer = deployer(analysis);
        String env = servers.environment;
        assertEquals(Phase.SUCCEEDED, deployer.deploy(env, repository, v1, 2, Canary.of(Duration.ZERO, 5)).phase());
        DeploymentState state;
        try (LoadLoop load = LoadLoop.start(servers.frontend(), "/cgi-bin/app", 2)) {
            state = deployer.deploy(env, repository, v2Marginal, 2, Canary.of(STEP_PAUSE, 5, 25));
            long promoted = System.nanoTime();
            Thread.sleep(1000);
            load.close();
            Map<String, Integer> all = load.countsSince(0);
            System.out.println("answers: " + all);
            assertEquals("only the canary's own 404s, never a 5xx: " + all,
                    Set.of("v1", "v2-marginal", "404 v2-marginal failed"), all.keySet());
            assertEquals(Set.of("v2-marginal", "404 v2-marginal failed"),
                    load.countsSince(promoted + 200_000_000L).keySet());
        }
        assertEquals(state.message(), Phase.SUCCEEDED, state.phase());
        CanaryReport report = analysis.report(state.id()).orElseThrow();
        assertEquals(report.summary(), List.of(5, 25),
                report.judgements().stream().map(Judgement::canaryWeight).toList());
        assertEquals("asked once per step, answered at once", List.of(0, 1),
                asked.stream().map(MarginalQuestion::step).toList());
        for (Judgement j : report.judgements()) {
            assertEquals(j.reason(), Verdict.MARGINAL, j.verdict());
            assertEquals("release-engineer", j.decision().by());
            assertTrue(j.decision().proceed());
            MetricResult clientErrors = j.metrics().stream().filter(m -> m.name().equals("client errors")).findFirst()
                    .orElseThrow();
            assertEquals(clientErrors.reason(), Classification.HIGH, clientErrors.classification());
            assertEquals(Classification.PASS, j.metrics().get(0).classification());
        }
        assertEquals(report, CanaryReport.fromJson(report.toJson()));
        assertEquals(List.of(), running(Track.BASELINE));
    }

    @Test
    public void aMarginalCanaryNobodyDecidesOnIsRolledBackAtTheDeadline() throws Exception {
        // Asked after the first pause; nobody answers; a judgement after the 20 s deadline (the second re-judging)
        // rolls it back.
        MetricCanaryAnalysis analysis = marginalAnalysis(MarginalHook.NOBODY, Duration.ofSeconds(20));
        Deployer deployer = deployer(analysis);
        String env = servers.environment;
        assertEquals(Phase.SUCCEEDED, deployer.deploy(env, repository, v1, 2, Canary.of(Duration.ZERO, 5)).phase());
        DeploymentState state;
        try (LoadLoop load = LoadLoop.start(servers.frontend(), "/cgi-bin/app", 2)) {
            state = deployer.deploy(env, repository, v2Marginal, 2, Canary.of(STEP_PAUSE, 5, 25));
            long rolledBack = System.nanoTime();
            Thread.sleep(1000);
            load.close();
            assertEquals("after the rollback only the live version answers", Set.of("v1"),
                    load.countsSince(rolledBack + 200_000_000L).keySet());
        }
        assertEquals(state.message(), Phase.ROLLED_BACK, state.phase());
        assertTrue(state.message(), state.message().contains("decided by timeout: no decision on the marginal verdict"
                + " within PT20S"));
        CanaryReport report = analysis.report(state.id()).orElseThrow();
        assertTrue("held at 5% until the deadline: " + report.summary(),
                report.judgements().size() >= 2 && report.judgements().stream().allMatch(j -> j.canaryWeight() == 5));
        assertEquals("timeout", report.last().decision().by());
        assertEquals(List.of(), running(Track.BASELINE));
        assertEquals(2, running(Track.BLUE).size() + running(Track.GREEN).size());
    }

    /**
     * The metric source as the deployment's analysis sees it, except that the first query finds the test's Prometheus
     * stopped (as in an outage), and, with {@code restartAfter}, started again that long later.
     */
    private MetricSource stoppingPrometheusAtTheFirstQuery(Duration restartAfter, List<Thread> restarts) {
        PrometheusSource prometheus = prometheus();
        java.util.concurrent.atomic.AtomicBoolean stopped = new java.util.concurrent.atomic.AtomicBoolean();
        return (metric, scopes, start, end) -> {
            if (stopped.compareAndSet(false, true)) {
                servers.stopPrometheus();
                listener.line("test: stopped Prometheus");
                if (restartAfter != null) {
                    Thread restart = new Thread(() -> {
                        try {
                            Thread.sleep(restartAfter.toMillis());
                        } catch (InterruptedException e) {
                            return;
                        }
                        servers.startPrometheus();
                        listener.line("test: started Prometheus again");
                    }, "restart Prometheus");
                    restart.start();
                    restarts.add(restart);
                }
            }
            return prometheus.fetch(metric, scopes, start, end);
        };
    }

    @Test
    public void prometheusStoppedInTheMiddleOfTheAnalysisAndStartedAgainDelaysTheJudgementWithoutARollback()
            throws Exception {
        List<Thread> restarts = new ArrayList<>();
        AnalysisTemplate template = AnalysisTemplate.of(List.of(ERRORS, SUCCESSES))
                .withGroupWeights(Map.of("errors", 70.0));
        // 4 errors retried 2, 4, 8 and 16 s apart: 30 s for Prometheus to come back, which takes some 10.
        MetricCanaryAnalysis analysis = MetricCanaryAnalysis.builder(template,
                        stoppingPrometheusAtTheFirstQuery(Duration.ofSeconds(3), restarts))
                .listener(listener).consecutiveErrorLimit(4).errorBackoff(Duration.ofSeconds(2)).build();
        Deployer deployer = deployer(analysis);
        String env = servers.environment;
        assertEquals(Phase.SUCCEEDED, deployer.deploy(env, repository, v1, 2, Canary.of(Duration.ZERO, 5)).phase());
        DeploymentState state;
        try (LoadLoop load = LoadLoop.start(servers.frontend(), "/cgi-bin/app", 2)) {
            // Prometheus scrapes again some 5 s after it answers: the second step, judged from then, lasts longer.
            state = deployer.deploy(env, repository, v2Good, 2, new Canary(List.of(new Canary.Step(5, STEP_PAUSE),
                    new Canary.Step(25, STEP_PAUSE.plusSeconds(10))), 1, true));
            load.close();
            assertEquals("no request failed: " + load.countsSince(0), Set.of("v1", "v2-good"),
                    load.countsSince(0).keySet());
        } finally {
            for (Thread t : restarts) {
                t.join();
            }
        }
        assertEquals(1, restarts.size());
        assertEquals(state.message(), Phase.SUCCEEDED, state.phase());
        CanaryReport report = analysis.report(state.id()).orElseThrow();
        assertEquals(report.summary(), Verdict.PASS, report.verdict());
        assertEquals(List.of(5, 25), report.judgements().stream().map(Judgement::canaryWeight).toList());
        Judgement first = report.judgements().get(0);
        assertEquals(first.reason(), Verdict.PASS, first.verdict());
        assertTrue("the outage is in the report: " + first.errors(), !first.errors().isEmpty()
                && first.errors().size() <= 4);
        for (SourceError e : first.errors()) {
            assertEquals(e.message(), io.jenkins.plugins.immutable.EngineException.Kind.OUTAGE, e.kind());
            // down: the connection is refused; starting again: it may answer 503 until its storage is ready
            assertTrue(e.message(), e.message().startsWith("cannot reach Prometheus at " + servers.prometheus())
                    || e.message().startsWith("Prometheus at " + servers.prometheus() + " answered HTTP 503"));
        }
        assertEquals(List.of(), report.judgements().get(1).errors());
        assertTrue(log.toString(), log.stream().anyMatch(l -> l.contains("the metric source errored on metric"
                + " 'errors' (error 1 in a row; past 4 the analysis is Inconclusive): cannot reach Prometheus")));
        assertTrue(log.toString(), log.stream().noneMatch(l -> l.contains("rolling back")));
        assertEquals(report, CanaryReport.fromJson(report.toJson()));
        assertEquals(List.of(), running(Track.BASELINE));
    }

    @Test
    public void prometheusDownForGoodMakesTheAnalysisInconclusiveAndRollsItBackUnderThatPolicy() throws Exception {
        AnalysisTemplate template = AnalysisTemplate.of(List.of(ERRORS, SUCCESSES))
                .withGroupWeights(Map.of("errors", 70.0));
        MetricCanaryAnalysis analysis = MetricCanaryAnalysis.builder(template,
                        stoppingPrometheusAtTheFirstQuery(null, new ArrayList<>()))
                .listener(listener).consecutiveErrorLimit(2).errorBackoff(Duration.ofMillis(500))
                .onInconclusive(InconclusivePolicy.ROLL_BACK).build();
        Deployer deployer = deployer(analysis);
        String env = servers.environment;
        assertEquals(Phase.SUCCEEDED, deployer.deploy(env, repository, v1, 2, Canary.of(Duration.ZERO, 5)).phase());
        DeploymentState state;
        try (LoadLoop load = LoadLoop.start(servers.frontend(), "/cgi-bin/app", 2)) {
            state = deployer.deploy(env, repository, v2Good, 2, Canary.of(STEP_PAUSE, 5, 25));
            long rolledBack = System.nanoTime();
            Thread.sleep(1000);
            load.close();
            assertEquals("after the rollback only the live version answers", Set.of("v1"),
                    load.countsSince(rolledBack + 200_000_000L).keySet());
        }
        assertEquals(state.message(), Phase.ROLLED_BACK, state.phase());
        assertTrue(state.message(), state.message().startsWith("rolled back: canary analysis at 5%: Inconclusive: no"
                + " score (the metric source errored 3 times in a row, more than the consecutive error limit 2"));
        assertTrue(state.message(), state.message().contains("cannot reach Prometheus at " + servers.prometheus()));
        CanaryReport report = analysis.report(state.id()).orElseThrow();
        assertEquals(Verdict.INCONCLUSIVE, report.verdict());
        assertEquals(3, report.last().errors().size());
        assertEquals(List.of(), running(Track.BASELINE));
        assertEquals(2, running(Track.BLUE).size() + running(Track.GREEN).size());
    }
}
