package io.jenkins.plugins.immutable.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.analysis.CanaryReport;
import io.jenkins.plugins.immutable.attest.Attestor;
import io.jenkins.plugins.immutable.attest.SlsaProvenance;
import io.jenkins.plugins.immutable.bake.BakeResult;
import io.jenkins.plugins.immutable.bake.DockerBuildRequest;
import io.jenkins.plugins.immutable.bake.DockerEngine;
import io.jenkins.plugins.immutable.bake.DockerEngineBaker;
import io.jenkins.plugins.immutable.bake.Invocation;
import io.jenkins.plugins.immutable.bake.LayerBaker;
import io.jenkins.plugins.immutable.bake.LayerBuildRequest;
import io.jenkins.plugins.immutable.bake.Source;
import io.jenkins.plugins.immutable.config.ConfigYaml;
import io.jenkins.plugins.immutable.config.CredentialResolver;
import io.jenkins.plugins.immutable.config.DeliveryConfig;
import io.jenkins.plugins.immutable.config.SigningConfig;
import io.jenkins.plugins.immutable.config.Wiring;
import io.jenkins.plugins.immutable.deploy.Track;
import io.jenkins.plugins.immutable.image.Digest;
import io.jenkins.plugins.immutable.image.ImageReference;
import io.jenkins.plugins.immutable.image.Repository;
import io.jenkins.plugins.immutable.ledger.LedgerEntry;
import io.jenkins.plugins.immutable.ledger.LedgerHistory;
import io.jenkins.plugins.immutable.ledger.LedgerLocation;
import io.jenkins.plugins.immutable.ledger.LedgerVerification;
import io.jenkins.plugins.immutable.promote.DriftCheck;
import io.jenkins.plugins.immutable.promote.DriftChecks;
import io.jenkins.plugins.immutable.promote.PromotionRequest;
import io.jenkins.plugins.immutable.promote.PromotionResult;
import io.jenkins.plugins.immutable.registry.RegistryClient;
import io.jenkins.plugins.immutable.registry.RegistryCredentials;
import io.jenkins.plugins.immutable.scan.ScanReport;
import io.jenkins.plugins.immutable.sign.ImageSigner;
import io.jenkins.plugins.immutable.sign.SignResult;
import io.jenkins.plugins.immutable.sign.SigningKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The demo's story, step by step, on the local stack: three versions of a small web service (a good one baked without
 * a daemon, a good one baked on the Docker engine, and a bad one that answers 500 to one request in five), each
 * signed with its provenance, scanned and attested, and promoted dev -> staging -> prod. dev and staging deploy
 * blue-green; prod deploys a canary judged against a baseline from Prometheus' metrics of HAProxy, under steady load.
 * The bad version's canary fails and is rolled back automatically; prod keeps serving the good one. Beside prod, a
 * variant for one large client, prod-acme, also takes from staging (a promotion graph): it runs on the stack's Swarm
 * and takes 1.0, staging's live digest, without being told which; it stays on 1.0 while prod moves on to 1.1, so the
 * two serve different digests at once. Every step is timed, the ledgers are printed and verified, and the outcome is
 * checked against the story.
 */
final class Demo {

    static final String VARIANT = "prod-acme";

    static final List<String> ENVIRONMENTS = List.of("dev", "staging", "prod", VARIANT);

    /** The environments behind the stack's HAProxy; the variant runs on Swarm, whose clients reach its tasks. */
    static final List<String> ROUTED = List.of("dev", "staging", "prod");

    /** Where each takes its digests from, as the configuration writes it (dev, listed first, from builds). */
    private static final Map<String, String> UPSTREAM = Map.of("staging", "dev", "prod", "staging", VARIANT,
            "staging");

    /**
     * Instance ports per environment, from the CLI's range (28000-29999); Swarm's six hundred start at a multiple of
     * 100 (two port bases for each of blue, green and baseline).
     */
    private static final Map<String, String> PORTS = Map.of("dev", "28100-28139", "staging", "28140-28179",
            "prod", "28180-28219", VARIANT, "29000-29599");

    /** One version of the web service: its name, whether it fails one request in {@code failEvery}, how it is baked. */
    record Version(String name, int failEvery, boolean daemonless) {

        boolean bad() {
            return failEvery > 0;
        }

        String builder() {
            return daemonless ? "daemonless (LayerBaker)" : "Docker engine";
        }
    }

    static final List<Version> VERSIONS = List.of(new Version("1.0", 0, true), new Version("1.1", 0, false),
            new Version("1.2", 5, true));

    /** A step of the story: what was done, to which version, what came of it, and how long it took. */
    record Step(String what, String version, String result, Duration took, boolean asExpected) {
    }

    private final Session session;
    private final Output out;
    private final DemoStack stack;
    private final Path database;
    private final Path dir;
    private final String id = Long.toString(ThreadLocalRandom.current().nextLong(1L << 40), 36);
    private final List<Step> steps = new ArrayList<>();
    private final Map<String, Digest> digests = new LinkedHashMap<>();
    private final Map<String, CanaryReport> reports = new java.util.concurrent.ConcurrentHashMap<>();
    private LoadGenerator load;

    Demo(Session session, DemoStack stack, Path database, Path dir) {
        this.session = session;
        this.out = session.output();
        this.stack = stack;
        this.database = database;
        this.dir = dir;
    }

    Outcome run() throws IOException, InterruptedException {
        long started = System.nanoTime();
        try (SigningKey key = SigningKey.generate()) {
            String yaml = configuration(key);
            Path configFile = dir.resolve("immutable.yaml");
            Files.writeString(configFile, yaml, StandardCharsets.UTF_8);
            Files.writeString(dir.resolve("cosign.pub"), key.publicKey().toPem(), StandardCharsets.UTF_8);
            DeliveryConfig config = ConfigYaml.parse(yaml, configFile.toString());
            heading("The demo's configuration is " + configFile + "; its repositories are " + stack.registry()
                    + "/demo/" + id + "/{builds,dev,staging,prod}");
            Wiring.Builder wired = Wiring.builder(config, signingIsTheDemos()).listener(out)
                    .dockerHost(stack.dockerHost()).scanIndexCache(session.cacheDirectory().resolve("osv-index"))
                    .onCanaryReport((step, report) -> reports.put(step.environment(), report));
            session.proxies().forEach(wired::proxy);
            try (Wiring wiring = wired.build()) {
                clearEarlierDemo(wiring);
                try {
                    for (Version v : VERSIONS) {
                        ImageReference image = release(wiring, key, v);
                        for (String env : ROUTED) {
                            promote(wiring, image, v, env);
                            if (env.equals("prod") && load == null) {
                                // from when something serves in prod: the canaries that follow are judged on it
                                load = startLoad();
                            }
                        }
                        if (v == VERSIONS.get(0)) {
                            promoteVariant(wiring, v);
                        }
                    }
                    checkDrift(wiring);
                } catch (EngineException e) {
                    out.line("");
                    out.line("The demo stopped: " + e.getMessage());
                    out.line(summary(Duration.ofNanos(System.nanoTime() - started)));
                    throw e;
                } finally {
                    if (load != null) {
                        load.close();
                    }
                }
                return outcome(wiring, configFile, Duration.ofNanos(System.nanoTime() - started));
            }
        }
    }

    // ------------------------------------------------------------------------------------------------------ steps

    /** Bake, sign (with provenance) and scan (with its attestation) one version. */
    private ImageReference release(Wiring wiring, SigningKey key, Version v) throws InterruptedException {
        heading("Version " + v.name() + (v.bad() ? ": answers 500 to one request in " + v.failEvery()
                + " (its health check passes)" : ""));
        RegistryClient client = wiring.registry();
        long t = System.nanoTime();
        Path context = DemoImages.context(dir.resolve("version-" + v.name()), v.name(), v.failEvery());
        ImageReference target = builds().tag(v.name());
        BakeResult baked;
        Invocation invocation = Invocation.cli(Main.Version.version());
        Source source = new Source(null, null, v.name());
        if (v.daemonless()) {
            baked = new LayerBaker(client).bake(LayerBuildRequest.builder(null, target)
                    .layer("rootfs", context.resolve("rootfs"), "/")
                    .cmd(DemoImages.COMMAND.toArray(String[]::new))
                    .label("org.opencontainers.image.title", "immutable demo web service")
                    .source(source).invocation(invocation).build(), out);
        } else {
            baked = new DockerEngineBaker(DockerEngine.at(stack.dockerHost()), client, Map.of())
                    .bake(DockerBuildRequest.builder(context, target).source(source).invocation(invocation).build(),
                            out);
        }
        ImageReference image = baked.image().withoutTag();
        digests.put(v.name(), image.digest());
        step("bake, " + v.builder(), v, image.digest().shortForm() + ", " + baked.layers() + " layer(s), "
                + baked.layersPushed() + " pushed", t);

        t = System.nanoTime();
        SignResult signed = new ImageSigner(client).withListener(out).sign(image, key, Map.of("version", v.name()));
        new Attestor(client).withListener(out).attest(image, SlsaProvenance.statement(baked.provenance()), key);
        step("sign + SLSA provenance", v, "key " + signed.key().shortId() + "; .sig tag and bundle referrer", t);

        t = System.nanoTime();
        ScanReport report = wiring.scanner().scan(client, image, null, wiring.scanPolicy());
        new Attestor(client).withListener(out).attest(image, ScanCommand.statement(report), key);
        out.line(ScanCommand.human(report, null));
        step("scan + attest", v, report.summary().replace(" in " + report.packages().size() + " packages", "")
                + " (" + report.packages().size() + " package" + (report.packages().size() == 1 ? "" : "s") + ")", t);
        if (!report.passed()) {
            throw EngineException.refused("the scan of version " + v.name() + " failed its policy: "
                    + String.join("; ", report.reasons()));
        }
        return image;
    }

    private void promote(Wiring wiring, ImageReference image, Version v, String env) {
        heading("Promote " + v.name() + " to " + env + " (" + wiring.environment(env).strategy().getClass()
                .getSimpleName().replaceAll("([a-z])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT) + ")");
        long t = System.nanoTime();
        reports.remove(env);
        long[] before = load == null || !env.equals("prod") ? null : load.counts();
        ImageReference from = env.equals("dev") ? image
                : repository(ENVIRONMENTS.get(ENVIRONMENTS.indexOf(env) - 1)).digest(image.digest());
        PromotionResult result = wiring.promoter().promote(PromotionRequest.of(from, env, session.actor(),
                session.run()));
        boolean expectFailure = v.bad() && env.equals("prod");
        boolean failed = result.status() == PromotionResult.Status.FAILED;
        String what = "promote to " + env + " (" + (result.deployment() == null ? "-" : result.deployment().strategy())
                + ")";
        String detail = failed
                ? "FAILED, rolled back automatically: " + (result.deployment() == null ? result.message()
                        : result.deployment().message()) + "; " + env + " still serves " + versionOf(result.previous())
                : result.status() == PromotionResult.Status.PROMOTED ? "live, ledger entry #"
                        + result.entry().sequence() + (result.previous() == null ? "" : ", replacing "
                        + versionOf(result.previous()))
                : result.status().name().toLowerCase(Locale.ROOT);
        CanaryReport report = reports.get(env);
        if (report != null) {
            detail = "judged " + report.judgements().stream().map(j -> j.verdict() + " at " + j.canaryWeight()
                    + "% (score " + Math.round(j.score()) + ")").collect(java.util.stream.Collectors.joining(", "))
                    + "; " + (failed ? "rolled back automatically, " + env + " still serves "
                    + versionOf(result.previous()) : detail);
        }
        if (before != null) {
            long[] after = load.counts();
            detail += "; meanwhile " + (after[1] + after[2] - before[1] - before[2]) + " of "
                    + (after[0] + after[1] + after[2] - before[0] - before[1] - before[2]) + " requests failed";
        }
        step(what, v, detail, t, failed == expectFailure);
        if (failed && !expectFailure) {
            throw new EngineException(EngineException.Kind.ANALYSIS_FAILED, "version " + v.name() + " should have"
                    + " gone live in " + env + " but: " + result.message());
        }
    }

    /**
     * prod-acme takes staging's live digest, as `immutable promote --to prod-acme` does without an image: its one
     * upstream environment says which. It takes only the first version: acme moves on when it accepts one, so from
     * 1.1 on it serves another digest than prod.
     */
    private void promoteVariant(Wiring wiring, Version v) {
        heading("Promote what staging runs to " + VARIANT + " (rolling on Swarm), a variant of prod that also takes"
                + " from staging");
        long t = System.nanoTime();
        ImageReference from = wiring.promoter().liveUpstream(VARIANT, null);
        PromotionResult result = wiring.promoter().promote(PromotionRequest.of(from, VARIANT, session.actor(),
                session.run()));
        boolean live = result.status() == PromotionResult.Status.PROMOTED
                && from.digest().equals(digests.get(v.name()));
        step("promote to " + VARIANT + " (" + (result.deployment() == null ? "-" : result.deployment().strategy())
                + ")", v, live ? "live, taken from staging without naming it, ledger entry #"
                + result.entry().sequence() + "; " + VARIANT + " stays on " + v.name() + " until acme accepts a newer one"
                : result.status().name().toLowerCase(Locale.ROOT) + ": " + result.message(), t, live);
        if (!live) {
            throw new EngineException(EngineException.Kind.ANALYSIS_FAILED, "version " + v.name() + " should have"
                    + " gone live in " + VARIANT + " but: " + result.message());
        }
    }

    /**
     * A drift check of every environment, each finding recorded in its ledger: what `immutable metrics` counts drift
     * incidents (M4) from.
     */
    private void checkDrift(Wiring wiring) {
        heading("Check drift: does what runs in each environment match its ledger? (each finding is recorded there)");
        long t = System.nanoTime();
        DriftChecks checks = wiring.driftChecks().recordingAs(session.actor(), session.run());
        List<String> drifted = new ArrayList<>();
        for (String env : ENVIRONMENTS) {
            DriftCheck check = checks.check(wiring.ledgerLocation(env), wiring.target(env), wiring.router(env),
                    wiring.environment(env).replicas());
            out.line(check.summary());
            if (!check.clean()) {
                drifted.add(env);
            }
        }
        step("drift check, recorded", "-", drifted.isEmpty() ? "every environment runs what its ledger says"
                : "drifted: " + String.join(", ", drifted), t, drifted.isEmpty());
    }

    /** Steady requests to prod's frontend, so that the canaries have metrics to be judged on. */
    private LoadGenerator startLoad() {
        String frontend = stack.frontends().get("prod");
        out.line("starting steady load on prod's frontend http://" + frontend + "/ (about 40 requests a second)");
        return new LoadGenerator(frontend, 4, 40).start();
    }

    /** The environments are the demo's own: what an earlier demo left in them is removed first. */
    private void clearEarlierDemo(Wiring wiring) {
        for (String env : ENVIRONMENTS) {
            for (Track track : Track.values()) {
                wiring.target(env).remove(env, track, out);
            }
        }
    }

    // ------------------------------------------------------------------------------------------------- reporting

    private Outcome outcome(Wiring wiring, Path configFile, Duration total) {
        ObjectNode json = Output.object();
        json.put("configuration", configFile.toString());
        ObjectNode versions = json.putObject("versions");
        digests.forEach((name, digest) -> versions.put(name, digest.toString()));
        ObjectNode environments = json.putObject("environments");
        StringBuilder human = new StringBuilder();
        List<String> problems = new ArrayList<>();
        Table serving = new Table("ENVIRONMENT", "UPSTREAM", "VERSION", "DIGEST");
        for (String env : ENVIRONMENTS) {
            LedgerLocation where = wiring.ledgerLocation(env);
            LedgerVerification verification = wiring.ledger().verify(where);
            LedgerHistory history = wiring.ledger().read(where);
            ObjectNode e = environments.putObject(env);
            e.put("repository", where.repository().toString());
            e.put("ledger", where.ledgerReference().toString());
            e.put("intact", verification.intact());
            e.put("live", history.live().map(Digest::toString).orElse(null));
            e.put("liveVersion", history.live().map(this::versionOf).orElse(null));
            e.put("upstream", wiring.graph().upstream(env).describe());
            serving.row(env, wiring.graph().upstream(env).describe(), history.live().map(this::versionOf).orElse("-"),
                    history.live().map(Digest::shortForm).orElse("-"));
            ArrayNode entries = e.putArray("entries");
            Table table = new Table("#", "TIME", "ACTION", "VERSION", "DIGEST", "OUTCOME", "STRATEGY", "REASON");
            for (LedgerEntry entry : history.entries()) {
                entries.add(HistoryCommand.entry(entry));
                table.row(entry.sequence(), entry.time(), entry.action(),
                        entry.digest() == null ? "-" : versionOf(entry.digest()),
                        entry.digest() == null ? "-" : entry.digest().shortForm(), HistoryCommand.outcome(entry),
                        entry.event().strategy(), entry.observation() != null
                        ? abbreviate(entry.observation().summary(), 70)
                        : entry.reason() == null ? "" : abbreviate(entry.reason(), 70));
            }
            human.append("Ledger of ").append(env).append(" (").append(where.ledgerReference()).append("): ")
                    .append(verification.intact() ? "intact, every entry chained and verified" : "BROKEN")
                    .append('\n').append(table).append("\n\n");
            if (!verification.intact()) {
                problems.add(verification.describe());
            }
        }
        Digest good = digests.get("1.1");
        Digest bad = digests.get("1.2");
        String prodLive = environments.get("prod").path("live").asText(null);
        if (!good.toString().equals(prodLive)) {
            problems.add("prod serves " + prodLive + ", not the good version 1.1 (" + good + ")");
        }
        String variantLive = environments.get(VARIANT).path("live").asText(null);
        if (!digests.get("1.0").toString().equals(variantLive) || variantLive.equals(prodLive)) {
            problems.add(VARIANT + " serves " + variantLive + ", not 1.0 (" + digests.get("1.0") + ") beside prod's "
                    + prodLive);
        }
        boolean badRolledBack = false;
        for (var entry : environments.get("prod").get("entries")) {
            if (entry.get("digest").asText().equals(bad.toString())) {
                badRolledBack = entry.get("outcome").asText().equals("failed");
            }
        }
        if (!badRolledBack) {
            problems.add("prod's ledger does not record the bad version 1.2 (" + bad + ") as failed and rolled back");
        }
        steps.stream().filter(s -> !s.asExpected()).forEach(s -> problems.add(s.what() + " of " + s.version()
                + " did not go as the story says: " + s.result()));
        long[] counts = load == null ? new long[3] : load.counts();
        ObjectNode traffic = json.putObject("load");
        traffic.put("answered", counts[0]);
        traffic.put("serverErrors", counts[1]);
        traffic.put("unanswered", counts[2]);
        ArrayNode stepsJson = json.putArray("steps");
        for (Step s : steps) {
            ObjectNode n = stepsJson.addObject();
            n.put("step", s.what());
            n.put("version", s.version());
            n.put("result", s.result());
            n.put("seconds", s.took().toMillis() / 1000.0);
            n.put("asExpected", s.asExpected());
        }
        json.put("seconds", total.toMillis() / 1000.0);
        json.put("asExpected", problems.isEmpty());
        ArrayNode problemsJson = json.putArray("problems");
        problems.forEach(problemsJson::add);
        human.append("What each environment serves now (a graph: prod and ").append(VARIANT)
                .append(" both take from staging)\n").append(serving).append("\n\n");
        human.append(summary(total)).append('\n');
        human.append("Load on prod's frontend: ").append(counts[0]).append(" answered, ").append(counts[1])
                .append(" server errors (the bad canary's answers while it was judged), ").append(counts[2])
                .append(" unanswered.\n");
        human.append(problems.isEmpty()
                ? "As the story says: prod serves 1.1 (" + good.shortForm() + ") at http://"
                        + stack.frontends().get("prod") + "/, the bad 1.2 was rolled back automatically, and "
                        + VARIANT + " serves 1.0 beside it.\n"
                : "NOT as the story says:\n  - " + String.join("\n  - ", problems) + "\n");
        List<String> lookAround = lookAround(configFile);
        lookAround.forEach(json.putArray("lookAround")::add);
        human.append("Look around (each line is a command to paste):\n  ").append(String.join("\n  ", lookAround));
        return new Outcome(json, human.toString(), problems);
    }

    /** The commands that look at what the demo left, one per line, quoted for a shell where the path needs it. */
    static List<String> lookAround(Path configFile) {
        String config = shellWord(configFile.toString());
        return List.of("bin/immutable --config " + config + " status",
                "bin/immutable --config " + config + " history prod",
                "bin/immutable --config " + config + " drift",
                "bin/immutable --config " + config + " metrics");
    }

    /** A word a POSIX shell reads back as {@code text}: as it is when it is plain, else in single quotes. */
    static String shellWord(String text) {
        if (text.matches("[A-Za-z0-9_@%+=:,./-]+")) {
            return text;
        }
        return "'" + text.replace("'", "'\\''") + "'";
    }

    private String summary(Duration total) {
        Table table = new Table("STEP", "VERSION", "RESULT", "TIME");
        for (Step s : steps) {
            table.row(s.what(), s.version(), abbreviate(s.result(), 130), seconds(s.took()));
        }
        return "Summary\n" + table + "\nTotal " + seconds(total);
    }

    private void step(String what, Version v, String result, long startNanos) {
        step(what, v, result, startNanos, true);
    }

    private void step(String what, Version v, String result, long startNanos, boolean asExpected) {
        step(what, v.name(), result, startNanos, asExpected);
    }

    private void step(String what, String version, String result, long startNanos, boolean asExpected) {
        Step s = new Step(what, version, result, Duration.ofNanos(System.nanoTime() - startNanos), asExpected);
        steps.add(s);
        out.line("-> " + s.what() + " " + s.version() + ": " + s.result() + " (" + seconds(s.took()) + ")");
    }

    private void heading(String text) {
        out.line("");
        out.line("== " + text);
    }

    private String versionOf(Digest digest) {
        if (digest == null) {
            return "nothing";
        }
        return digests.entrySet().stream().filter(e -> e.getValue().equals(digest)).map(Map.Entry::getKey)
                .findFirst().orElse(digest.shortForm());
    }

    static String seconds(Duration d) {
        long ms = d.toMillis();
        if (ms < 60_000) {
            return String.format(Locale.ROOT, "%.1fs", ms / 1000.0);
        }
        return String.format(Locale.ROOT, "%dm%02ds", ms / 60_000, (ms % 60_000) / 1000);
    }

    private static String abbreviate(String text, int max) {
        String oneLine = text.replace('\n', ' ');
        return oneLine.length() <= max ? oneLine : oneLine.substring(0, max - 3) + "...";
    }

    // -------------------------------------------------------------------------------------------- configuration

    private Repository builds() {
        return Repository.parse(stack.registry() + "/demo/" + id + "/builds");
    }

    private Repository repository(String env) {
        return Repository.parse(stack.registry() + "/demo/" + id + "/" + env);
    }

    /**
     * The demo's immutable.yaml: what a user would write for these environments. dev and staging deploy blue-green;
     * prod a canary judged by the template {@code demo}: the share of 5xx answers (critical) and the response time,
     * canary against baseline, from Prometheus' scrape of HAProxy's exporter.
     */
    private String configuration(SigningKey key) {
        StringBuilder envs = new StringBuilder();
        for (String env : ROUTED) {
            boolean prod = env.equals("prod");
            envs.append("""
                      - name: %s
                        repository: %s
                        target:
                          docker: { host: "%s", ports: "%s", healthCheck: /health }
                        router:
                          haproxy: { socket: "%s" }
                        strategy:
                          %s
                        gates:
                          signedBy: [demo]
                          scanMaxAge: 1h
                    %s%s""".formatted(env, repository(env), stack.dockerHost(), PORTS.get(env),
                    stack.haproxySocket(), prod ? "canary: { steps: [25, 50], pause: 25s, analysis: demo }"
                            : "blueGreen: { retention: 10m }",
                    prod ? "      provenance: { builderIds: [" + io.jenkins.plugins.immutable.bake.Provenance
                            .CLI_BUILDER_ID + "] }\n" : "",
                    UPSTREAM.containsKey(env) ? "    upstream: [" + UPSTREAM.get(env) + "]\n" : ""));
        }
        envs.append("""
                  # a variant of prod for one large client: it takes from staging too, and serves its own digest
                  - name: %s
                    repository: %s
                    target:
                      swarm: { host: "%s", ports: "%s", healthCheck: /health }
                    strategy:
                      rolling: { batch: 1 }
                    gates:
                      signedBy: [demo]
                      scanMaxAge: 1h
                    upstream: [%s]
                """.formatted(VARIANT, repository(VARIANT), stack.dockerHost(), PORTS.get(VARIANT),
                UPSTREAM.get(VARIANT)));
        return """
                # Written by `immutable demo` for its run %s; the same schema as Jenkins' configuration.
                registries:
                  - host: "%s"
                signing:
                  trustedKeys:
                    - id: demo
                      publicKey: |
                %s
                scan:
                  database: "%s"
                  failOn: high
                environments:
                %s
                analysisTemplates:
                  - name: demo
                    source:
                      prometheus: { url: "%s" }
                    minimumPoints: 20
                    metrics:
                      - name: server-errors
                        query: 'sum(irate(haproxy_server_http_responses_total{code="5xx",${scope}}[3s]))'
                        direction: increase
                        critical: true
                """.formatted(id, stack.registry(), key.publicKey().toPem().strip().indent(8).stripTrailing(),
                database.toAbsolutePath(), envs.toString().stripTrailing(), stack.prometheus());
    }

    /** The demo signs with its own key, in memory; it never asks the resolver for secrets. */
    private static CredentialResolver signingIsTheDemos() {
        return new CredentialResolver() {
            @Override
            public RegistryCredentials registry(String host, String credentialsId) {
                return null;
            }

            @Override
            public SigningKey signingKey(SigningConfig.SigningKeyConfig key) {
                throw EngineException.badInput("the demo signs with its own key; it has no signing key '" + key.id()
                        + "'");
            }
        };
    }

    /** What the demo shows, and whether it is what the story says. */
    record Outcome(ObjectNode json, String human, List<String> problems) {

        void requireAsExpected() {
            if (!problems.isEmpty()) {
                throw new EngineException(EngineException.Kind.ANALYSIS_FAILED, "the demo did not go as the story"
                        + " says: " + String.join("; ", problems));
            }
        }
    }
}
