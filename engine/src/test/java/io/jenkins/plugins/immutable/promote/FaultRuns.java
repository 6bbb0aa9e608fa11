package io.jenkins.plugins.immutable.promote;

import com.github.dockerjava.api.DockerClient;
import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.deploy.BlueGreen;
import io.jenkins.plugins.immutable.deploy.DeploymentStateJson;
import io.jenkins.plugins.immutable.deploy.TestImages;
import io.jenkins.plugins.immutable.deploy.docker.DockerClients;
import io.jenkins.plugins.immutable.image.Descriptor;
import io.jenkins.plugins.immutable.image.Digest;
import io.jenkins.plugins.immutable.image.ImageManifest;
import io.jenkins.plugins.immutable.image.Manifest;
import io.jenkins.plugins.immutable.image.Repository;
import io.jenkins.plugins.immutable.ledger.Ledger;
import io.jenkins.plugins.immutable.ledger.LedgerHistory;
import io.jenkins.plugins.immutable.ledger.LedgerLocation;
import io.jenkins.plugins.immutable.ledger.LedgerVerification;
import io.jenkins.plugins.immutable.registry.RegistryClient;
import io.jenkins.plugins.immutable.registry.RegistryProcess;
import io.jenkins.plugins.immutable.testing.LoadLoop;
import io.jenkins.plugins.immutable.testing.Stack;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * scripts/fault-runs: the fault runs of issue 18, repeated on the stack, each run short, with their counts. Not a test
 * of the default suite (it takes minutes); it exits 1 when an invariant broke.
 *
 * <ol>
 *   <li>registry killed mid-promotion: a promotion into an environment whose registry (a registry process of its own)
 *   is killed at a random moment and started again; then the environment is settled (resumed when a deployment was
 *   left) and the promotion run again. Counted: torn tags (a ledger not intact, an environment tag not where the ledger
 *   says, a tag naming a manifest whose blobs are gone) and completed re-runs.</li>
 *   <li>CLI killed mid-deployment: {@code immutable promote} in a process of its own, killed (SIGKILL) at a random
 *   moment of its canary, then {@code immutable resume}, under a load on the environment's frontend. Counted: resumes
 *   finished and failed requests.</li>
 *   <li>two promotions at once: two {@code immutable promote} processes started together into one environment.
 *   Counted: winners per run (one), and whether the loser was told why.</li>
 * </ol>
 *
 * <p>Arguments: the number of runs of each (default 10). Needs the CLI's classes on the class path.
 */
public final class FaultRuns {

    private static final String CLI_MAIN = "io.jenkins.plugins.immutable.cli.Main";

    /** The engine's own log stays quiet here (kept referenced: a logger's level lives as long as the logger). */
    private static final Logger ENGINE_LOG = Logger.getLogger("io.jenkins.plugins.immutable");

    private final RegistryClient client = RegistryClient.builder().build();
    private final Site site = new Site("fault-reg", "fault-cli", "fault-two");
    private final List<String> broken = new ArrayList<>();
    private final Path work;
    private final List<Digest> versions = new ArrayList<>();
    private Repository ci;
    private RegistryProcess registry;
    private boolean cleaned;

    private FaultRuns(Path work) {
        this.work = work;
    }

    public static void main(String[] args) throws Throwable {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        ENGINE_LOG.setLevel(Level.SEVERE);
        FaultRuns faults = new FaultRuns(Files.createTempDirectory("fault-runs"));
        String loadBefore = load();
        long start = System.nanoTime();
        faults.site.before();
        // Stopped early (Ctrl-C, kill), it still removes its instances, its HAProxy and its registry.
        Thread cleanUp = new Thread(faults::cleanUp, "fault-runs clean-up");
        Runtime.getRuntime().addShutdownHook(cleanUp);
        List<String> summary = new ArrayList<>();
        try {
            faults.images();
            summary.add(faults.registryKilledMidPromotion(runs));
            summary.add(faults.cliKilledMidDeployment(runs));
            summary.add(faults.twoPromotionsAtOnce(runs));
        } finally {
            faults.cleanUp();
            Runtime.getRuntime().removeShutdownHook(cleanUp);
        }
        System.out.println();
        System.out.println("== fault runs: " + runs + " of each, " + TimeUnit.NANOSECONDS.toSeconds(System.nanoTime()
                - start) + " s; load average before " + loadBefore + ", after " + load() + " ("
                + Runtime.getRuntime().availableProcessors() + " cores)");
        summary.forEach(System.out::println);
        if (!faults.broken.isEmpty()) {
            System.out.println("BROKEN:");
            faults.broken.forEach(b -> System.out.println("  - " + b));
            System.exit(1);
        }
        System.out.println("every invariant held");
    }

    private synchronized void cleanUp() {
        if (cleaned) {
            return;
        }
        cleaned = true;
        if (registry != null) {
            registry.close();
        }
        site.after();
    }

    private static String load() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static void say(String line) {
        System.out.println(line);
    }

    /** Four versions of the test service, built once and pushed to a "ci" repository of the stack's registry. */
    private void images() throws Exception {
        DockerClient docker = DockerClients.connect(Stack.dockerHost());
        TestImages images = new TestImages(docker, "fault-ci");
        for (int i = 1; i <= 4; i++) {
            versions.add(images.serving("f" + i));
        }
        ci = Repository.parse(images.repository());
        say("images: " + versions.stream().map(Digest::shortForm).toList() + " in " + ci);
    }

    /** The version after {@code live} in the cycle: never the one live. */
    private Digest next(Digest live) {
        int i = versions.indexOf(live);
        return versions.get((i + 1) % versions.size());
    }

    // -------------------------------------------------------------------------------- registry killed mid-promotion

    private String registryKilledMidPromotion(int runs) throws Exception {
        say("\n-- registry killed mid-promotion, " + runs + " runs");
        Map<String, Integer> outcomes = new TreeMap<>();
        int torn = 0;
        int rerunsCompleted = 0;
        int resumed = 0;
        String traffic;
        try (RegistryProcess own = RegistryProcess.start(work.resolve("registry"))) {
            registry = own;
            Repository repo = Repository.parse(own.address() + "/app");
            Environment env = site.environment("fault-reg", repo, new BlueGreen(Duration.ZERO),
                    GatePolicy.ORDER_ONLY);
            AtomicReference<String> lastStep = new AtomicReference<>("");
            Promoter promoter = Promoter.builder(client, new Ledger(client), env)
                    .listener(lastStep::set).build();
            promoter.promote(PromotionRequest.of(ci.digest(versions.get(0)), env.name(), "faults", "setup"));
            // timed on a second one: the first also copies the layers every later one shares
            long t0 = System.nanoTime();
            promoter.promote(PromotionRequest.of(ci.digest(versions.get(1)), env.name(), "faults", "setup"));
            long took = Math.max(500, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
            say("a promotion takes about " + took + " ms; the registry is killed within that");
            try (Traffic load = new Traffic(site.frontend("fault-reg"), broken)) {
                for (int run = 1; run <= runs; run++) {
                    load.nextRun();
                    Digest target = next(live(env).orElseThrow());
                    AtomicReference<String> outcome = new AtomicReference<>("unfinished");
                    Thread promotion = new Thread(() -> outcome.set(outcome(() -> promoter.promote(
                            PromotionRequest.of(ci.digest(target), env.name(), "faults", "run")))), "promotion");
                    promotion.start();
                    long delay = ThreadLocalRandom.current().nextLong(took);
                    Thread.sleep(delay);
                    String during = lastStep.get();
                    // Down for 0.3 to 8 s: some outages the registry client's retries (about 4 s) ride out, some not.
                    long down = ThreadLocalRandom.current().nextLong(300, 8000);
                    own.stop();
                    Thread.sleep(down);
                    own.begin();
                    promotion.join(TimeUnit.MINUTES.toMillis(3));
                    outcomes.merge(outcome.get().replaceAll(":.*", ""), 1, Integer::sum);
                    // Whatever was left: a deployment that could not finish its rollback is resumed.
                    String recovery = "";
                    if (unfinished(env)) {
                        recovery = ", resumed: " + outcome(() -> promoter.resume(env.name(), "faults", "recovery")
                                .orElse(null));
                        resumed++;
                    }
                    String tear = torn(env.location());
                    if (tear != null) {
                        torn++;
                        broken.add("registry run " + run + ": torn: " + tear);
                    }
                    String rerun = outcome(() -> promoter.promote(PromotionRequest.of(ci.digest(target), env.name(),
                            "faults", "rerun")));
                    boolean completed = rerun.equals("PROMOTED") || rerun.equals("ALREADY_LIVE");
                    if (completed && target.equals(live(env).orElse(null)) && torn(env.location()) == null) {
                        rerunsCompleted++;
                    } else {
                        broken.add("registry run " + run + ": the re-run did not complete: " + rerun);
                    }
                    say("run " + run + ": killed after " + delay + " ms (" + cut(during) + "), down " + down + " ms: "
                            + cut(outcome.get())
                            + recovery + "; torn: " + (tear == null ? "no" : tear) + "; re-run: " + rerun);
                }
                traffic = load.counted("registry runs");
            }
        }
        return "registry killed mid-promotion: " + runs + " runs, promotions " + outcomes + "; torn tags " + torn
                + "; re-runs completed " + rerunsCompleted + "/" + runs + " (" + resumed + " after a resume); "
                + traffic;
    }

    /** What a promotion, rollback or resume ended with: its status, or the kind of error and its first words. */
    private static String outcome(java.util.function.Supplier<PromotionResult> operation) {
        try {
            PromotionResult r = operation.get();
            return r == null ? "NOTHING" : r.status() == PromotionResult.Status.FAILED
                    ? "FAILED(" + r.failure() + "): " + r.message() : r.status().toString();
        } catch (EngineException e) {
            return e.kind() + ": " + e.getMessage();
        } catch (RuntimeException e) {
            return "UNEXPECTED " + e;
        }
    }

    private static String cut(String s) {
        String line = s.lines().findFirst().orElse("");
        return line.length() > 110 ? line.substring(0, 110) + "..." : line;
    }

    private Optional<Digest> live(Environment env) {
        try {
            return new Ledger(client).read(env.location()).live();
        } catch (EngineException e) {
            return Optional.empty();
        }
    }

    private boolean unfinished(Environment env) {
        LedgerHistory h = new Ledger(client).read(env.location());
        return h.deployment() != null && DeploymentStateJson.fromJson(h.deployment().state()
                .getBytes(StandardCharsets.UTF_8), env.location().toString()).phase().isUnfinished();
    }

    /**
     * Null when the environment's tags are whole and agree: the ledger is intact (chain, versions, the environment
     * tag where the ledger says or, right after an interrupted promotion, one before), and each tag's manifest has all
     * its blobs. Else what is torn.
     */
    private String torn(LedgerLocation where) {
        LedgerVerification v = new Ledger(client).verify(where);
        if (!v.intact()) {
            return String.join("; ", v.problems());
        }
        for (String tag : List.of(where.environmentTag(), where.ledgerTag())) {
            Manifest m = client.getManifest(where.repository().tag(tag));
            if (m instanceof ImageManifest im) {
                List<Descriptor> blobs = new ArrayList<>(im.layers());
                blobs.add(im.config());
                for (Descriptor d : blobs) {
                    if (client.headBlob(where.repository(), d.digest()).isEmpty()) {
                        return "the tag " + tag + " names " + m.digest() + ", whose blob " + d.digest() + " is gone";
                    }
                }
            }
        }
        return null;
    }

    // -------------------------------------------------------------------------------- CLI killed mid-deployment

    /** An immutable.yaml for one environment of the site, deploying with a short canary, in its own directory. */
    private Path cliConfig(String prefix, Repository repo, String pause) throws IOException {
        Path dir = Files.createDirectories(work.resolve(prefix));
        int[] ports = site.ports();
        Files.writeString(dir.resolve("immutable.yaml"), """
                environments:
                  - name: %s
                    repository: %s
                    target: { docker: { ports: "%d-%d", healthCheck: / } }
                    router: { haproxy: { socket: %s } }
                    strategy: { canary: { steps: [50], pause: %s } }
                """.formatted(site.name(prefix), repo, ports[0], ports[1], site.haproxySocket(), pause));
        return dir;
    }

    /** The command line in a process of its own, on this class path, with the directory's configuration and state. */
    private static ProcessBuilder cli(Path dir, String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-cp", System.getProperty("java.class.path"), CLI_MAIN, "--config",
                dir.resolve("immutable.yaml").toString(), "--progress", "plain"));
        command.addAll(List.of(args));
        ProcessBuilder b = new ProcessBuilder(command).redirectErrorStream(true);
        b.environment().put("IMMUTABLE_STATE_DIR", dir.resolve("state").toString());
        return b;
    }

    /** Runs the command line to its end: exit code and output. */
    private static Map.Entry<Integer, String> run(ProcessBuilder b) throws Exception {
        Process p = b.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            return Map.entry(-1, out + "\n(timed out)");
        }
        return Map.entry(p.exitValue(), out);
    }

    private String cliKilledMidDeployment(int runs) throws Exception {
        say("\n-- CLI killed mid-deployment, " + runs + " runs");
        Repository repo = new Repository(Stack.registry(), Stack.uniqueRepository("fault-cli"));
        String prefix = "fault-cli";
        Path dir = cliConfig(prefix, repo, "3s");
        LedgerLocation where = new LedgerLocation(repo, site.name(prefix));
        Map.Entry<Integer, String> setup = run(cli(dir, "promote", ci.digest(versions.get(0)).toString(), "--to",
                site.name(prefix)));
        if (setup.getKey() != 0) {
            broken.add("CLI runs: the first promotion failed: " + setup.getValue());
            return "CLI killed mid-deployment: not run (the first promotion failed)";
        }
        int finished = 0;
        Map<String, Integer> outcomes = new TreeMap<>();
        String traffic;
        try (Traffic load = new Traffic(site.frontend(prefix), broken)) {
            for (int run = 1; run <= runs; run++) {
                load.nextRun();
                Digest target = next(new Ledger(client).read(where).live().orElseThrow());
                Process p = cli(dir, "promote", ci.digest(target).toString(), "--to", site.name(prefix)).start();
                long delay = ThreadLocalRandom.current().nextLong(4000);
                String killedAt = killAfterStage(p, delay);
                Map.Entry<Integer, String> resume = run(cli(dir, "resume", site.name(prefix)));
                String status = resume.getValue().contains("nothing to resume") ? "nothing left"
                        : resume.getKey() == 0 ? "finished" : "exit " + resume.getKey();
                String tear = torn(where);
                boolean ok = resume.getKey() == 0 && tear == null;
                if (ok) {
                    finished++;
                } else {
                    broken.add("CLI run " + run + ": resume " + status + (tear == null ? "" : ", torn: " + tear)
                            + "\n" + resume.getValue());
                }
                outcomes.merge(status, 1, Integer::sum);
                say("run " + run + ": killed " + delay + " ms after its first stage (" + cut(killedAt) + "); resume: "
                        + status + "; live " + new Ledger(client).read(where).live().map(Digest::shortForm)
                        .orElse("-") + (tear == null ? "" : "; TORN: " + tear));
            }
            traffic = load.counted("CLI runs");
        }
        return "CLI killed mid-deployment: " + runs + " runs, resumes finished " + finished + "/" + runs + " "
                + outcomes + "; " + traffic;
    }

    /** Kills the process {@code delay} ms after it starts its first deployment stage; returns its last line then. */
    private static String killAfterStage(Process p, long delay) throws Exception {
        String last = "";
        long killAt = Long.MAX_VALUE;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                last = line;
                if (killAt == Long.MAX_VALUE && line.startsWith("stage 1/")) {
                    killAt = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delay);
                    Thread killer = new Thread(() -> {
                        try {
                            Thread.sleep(delay);
                        } catch (InterruptedException e) {
                            return;
                        }
                        p.destroyForcibly();
                    }, "killer");
                    killer.setDaemon(true);
                    killer.start();
                }
            }
        }
        p.waitFor(1, TimeUnit.MINUTES);
        return p.exitValue() == 0 ? "it finished first: " + last : last;
    }

    // -------------------------------------------------------------------------------- two promotions at once

    private String twoPromotionsAtOnce(int runs) throws Exception {
        say("\n-- two promotions at once, " + runs + " runs");
        Repository repo = new Repository(Stack.registry(), Stack.uniqueRepository("fault-two"));
        String prefix = "fault-two";
        Path dir = cliConfig(prefix, repo, "4s");
        String env = site.name(prefix);
        LedgerLocation where = new LedgerLocation(repo, env);
        Map.Entry<Integer, String> setup = run(cli(dir, "promote", ci.digest(versions.get(0)).toString(), "--to",
                env));
        if (setup.getKey() != 0) {
            broken.add("concurrent runs: the first promotion failed: " + setup.getValue());
            return "two promotions at once: not run (the first promotion failed)";
        }
        int oneWinner = 0;
        int losersTold = 0;
        Map<String, Integer> losers = new LinkedHashMap<>();
        String traffic;
        try (Traffic load = new Traffic(site.frontend(prefix), broken)) {
            for (int run = 1; run <= runs; run++) {
                load.nextRun();
                Digest live = new Ledger(client).read(where).live().orElseThrow();
                Digest a = next(live);
                Digest b = next(a);
                Process pa = cli(dir, "promote", ci.digest(a).toString(), "--to", env).start();
                Process pb = cli(dir, "promote", ci.digest(b).toString(), "--to", env).start();
                String outA = new String(pa.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                String outB = new String(pb.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                pa.waitFor(5, TimeUnit.MINUTES);
                pb.waitFor(5, TimeUnit.MINUTES);
                int winners = (pa.exitValue() == 0 ? 1 : 0) + (pb.exitValue() == 0 ? 1 : 0);
                Digest nowLive = new Ledger(client).read(where).live().orElse(null);
                String tear = torn(where);
                String loserOut = pa.exitValue() == 0 ? outB : outA;
                int loserExit = pa.exitValue() == 0 ? pb.exitValue() : pa.exitValue();
                String told = loserOut.lines().filter(l -> l.startsWith("immutable: ")).findFirst().orElse("");
                if (winners == 1) {
                    oneWinner++;
                    Digest winner = pa.exitValue() == 0 ? a : b;
                    if (!winner.equals(nowLive)) {
                        broken.add("concurrent run " + run + ": the winner " + winner.shortForm() + " is not live ("
                                + nowLive + ")");
                    }
                    if (!told.isEmpty()) {
                        losersTold++;
                        // the gist of why, without the names and digests that differ from run to run
                        String gist = told.replaceFirst("^immutable: ", "").replaceAll("(owns|journal in) .*", "$1 ...");
                        losers.merge("exit " + loserExit + ": " + gist, 1, Integer::sum);
                    }
                } else {
                    broken.add("concurrent run " + run + ": " + winners + " winners (exits " + pa.exitValue() + ", "
                            + pb.exitValue() + ")\n" + outA + "\n---\n" + outB);
                }
                if (tear != null) {
                    broken.add("concurrent run " + run + ": torn: " + tear);
                }
                say("run " + run + ": exits " + pa.exitValue() + " and " + pb.exitValue() + ", live "
                        + (nowLive == null ? "-" : nowLive.shortForm()) + "; the loser was told: " + cut(told)
                        + (tear == null ? "" : "; TORN: " + tear));
            }
            traffic = load.counted("concurrent runs");
        }
        return "two promotions at once: " + runs + " runs, one winner in " + oneWinner + "/" + runs + ", the loser"
                + " told why in " + losersTold + " " + losers + "; " + traffic;
    }

    /** Load on a frontend across the runs of one kind: a {@link LoadLoop} (3 minutes at most) per run, counted together. */
    private static final class Traffic implements AutoCloseable {
        private final int port;
        private final List<String> broken;
        private LoadLoop loop;
        private long requests;
        private long failed;

        /** Load on the frontend at {@code port}; failed requests are added to {@code broken}. */
        Traffic(int port, List<String> broken) {
            this.port = port;
            this.broken = broken;
        }

        /** Stops the load and says how many requests failed, of how many; failures break an invariant. */
        String counted(String runs) throws InterruptedException {
            close();
            if (failed > 0) {
                broken.add(runs + ": " + failed + " failed requests");
            }
            return "failed requests " + failed + " of " + requests;
        }

        void nextRun() throws InterruptedException {
            close();
            loop = LoadLoop.start(port, 2);
        }

        @Override
        public void close() throws InterruptedException {
            if (loop != null) {
                loop.close();
                requests += loop.answers().size();
                failed += loop.failures().size();
                loop = null;
            }
        }
    }
}
