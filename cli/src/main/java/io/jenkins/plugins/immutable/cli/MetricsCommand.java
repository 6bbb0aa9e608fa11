package io.jenkins.plugins.immutable.cli;

import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.config.Durations;
import io.jenkins.plugins.immutable.config.Wiring;
import io.jenkins.plugins.immutable.ledger.LedgerLocation;
import io.jenkins.plugins.immutable.metrics.DeliveryMeter;
import io.jenkins.plugins.immutable.metrics.DeliveryMetrics;
import io.jenkins.plugins.immutable.metrics.DurationStats;
import io.jenkins.plugins.immutable.metrics.EnvironmentMetrics;
import io.jenkins.plugins.immutable.metrics.Figures;
import io.jenkins.plugins.immutable.metrics.Granularity;
import io.jenkins.plugins.immutable.metrics.LiveImage;
import io.jenkins.plugins.immutable.metrics.MetricsJson;
import io.jenkins.plugins.immutable.metrics.MetricsServer;
import io.jenkins.plugins.immutable.metrics.OpenMetrics;
import io.jenkins.plugins.immutable.metrics.Vulnerabilities;
import io.jenkins.plugins.immutable.metrics.Window;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code immutable metrics}: how delivery goes, from the ledgers. */
@Command(name = "metrics", mixinStandardHelpOptions = true,
        description = {"Show delivery metrics over a window, per environment and overall, computed from the ledgers"
            + " in the registry and the live digests' attestations: deployment success rate, time to rollback,"
            + " canary pass rate, time to recovery, provenance coverage, vulnerability density, the four DORA keys,"
            + " and which digest runs where. docs/metrics.md defines each.",
            "--format openmetrics prints the OpenMetrics exposition; --serve HOST:PORT serves it at /metrics (and the"
            + " JSON at /metrics.json) for Prometheus until stopped."})
final class MetricsCommand extends EngineCommand {

    @Option(names = "--since", paramLabel = "WHEN", defaultValue = "30d",
            description = "Start of the window: a duration back from now (30d, 12h), a date (2026-11-01, UTC) or an"
                    + " instant (2026-11-01T08:00:00Z). Default: ${DEFAULT-VALUE}.")
    String since;

    @Option(names = "--env", paramLabel = "ENVIRONMENT",
            description = "Only this environment (repeatable); the DORA keys are read in the last one named."
                    + " Default: all, upstream before downstream, the DORA keys read in the leaf environments"
                    + " (production and its variants) together.")
    List<String> environments = new ArrayList<>();

    @Option(names = "--by", paramLabel = "day|week",
            description = "Buckets of the series (in --json): day or week. Default: day up to 62 days, else week.")
    String by;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "text",
            description = "text (default), json (as --json) or openmetrics.")
    String format;

    @Option(names = "--serve", paramLabel = "HOST:PORT",
            description = "Serve the metrics at http://HOST:PORT/metrics (OpenMetrics) and /metrics.json until"
                    + " stopped (Ctrl-C); the window slides: it always ends now.")
    String serve;

    @Override
    int run(Session session) throws Exception {
        String f = format.toLowerCase(Locale.ROOT);
        if (!List.of("text", "json", "openmetrics").contains(f)) {
            throw EngineException.badInput("unknown --format '" + format + "': use text, json or openmetrics");
        }
        Wiring w = session.wiring();
        List<LedgerLocation> where = new ArrayList<>();
        for (String name : session.environments(environments)) {
            where.add(w.ledgerLocation(name));
        }
        // production: the graph's leaves when every environment is measured, else the last one named
        List<String> production = environments.isEmpty() ? w.graph().leaves()
                : List.of(environments.get(environments.size() - 1));
        Clock clock = Clock.systemUTC();
        DeliveryMeter meter = new DeliveryMeter(w.ledger(), w.registry(), w.trustedKeys(), clock);
        Instant now = clock.instant();
        Window window = window(since, now);
        Duration length = window.length();
        Granularity granularity = by == null ? Granularity.suitedTo(window) : Granularity.parse(by);

        if (serve != null) {
            InetSocketAddress address = address(serve);
            try (MetricsServer server = MetricsServer.start(address, () -> meter.measure(where,
                    production, new Window(clock.instant().minus(length), clock.instant()), granularity))) {
                session.output().line("serving delivery metrics of " + names(where) + " over the last "
                        + human(length) + " at http://" + server.address().getHostString() + ":"
                        + server.address().getPort() + "/metrics (and /metrics.json); Ctrl-C stops");
                Thread.currentThread().join();
            }
            return 0;
        }
        DeliveryMetrics m = meter.measure(where, production, window, granularity);
        if (f.equals("openmetrics")) {
            session.output().raw(OpenMetrics.write(m));
            return 0;
        }
        if (f.equals("json")) {
            session.output().raw(MetricsJson.write(m) + "\n");
            return 0;
        }
        session.output().result(Output.tree(MetricsJson.write(m)), text(m));
        return 0;
    }

    /** The window from {@code --since} to now. */
    static Window window(String since, Instant now) {
        String s = since.strip();
        Instant from;
        try {
            if (s.matches("\\d{4}-\\d{2}-\\d{2}")) {
                from = LocalDate.parse(s).atStartOfDay(ZoneOffset.UTC).toInstant();
            } else if (s.contains("T")) {
                from = Instant.parse(s);
            } else {
                from = now.minus(Durations.parse(s));
            }
        } catch (DateTimeParseException | EngineException e) {
            throw EngineException.badInput("--since '" + since + "' is neither a duration (30d, 12h), a date"
                    + " (2026-11-01) nor an instant (2026-11-01T08:00:00Z)");
        }
        if (!from.isBefore(now)) {
            throw EngineException.badInput("--since " + since + " is not in the past; give a start before now");
        }
        return new Window(from, now);
    }

    private static InetSocketAddress address(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        if (colon < 1) {
            throw EngineException.badInput("--serve '" + hostPort + "' is not HOST:PORT (for example 127.0.0.1:9464)");
        }
        try {
            int port = Integer.parseInt(hostPort.substring(colon + 1));
            if (port < 0 || port > 65535) {
                throw new NumberFormatException();
            }
            return new InetSocketAddress(hostPort.substring(0, colon).replace("[", "").replace("]", ""), port);
        } catch (NumberFormatException e) {
            throw EngineException.badInput("--serve '" + hostPort + "': the port must be a number from 0 to 65535");
        }
    }

    private static String names(List<LedgerLocation> where) {
        return String.join(", ", where.stream().map(LedgerLocation::environment).toList());
    }

    // --- the terminal view ---------------------------------------------------------------------------------------

    static String text(DeliveryMetrics m) {
        StringBuilder s = new StringBuilder();
        s.append("Delivery ").append(day(m.window().from())).append(" to ").append(day(m.window().to()))
                .append(" (").append(human(m.window().length())).append(")\n\n");
        List<String> header = new ArrayList<>(List.of(""));
        m.environments().forEach(e -> header.add(e.environment()));
        header.add("all");
        Table t = new Table(header.toArray(String[]::new));
        row(t, m, "promotions", f -> f.promotions() == 0 ? "-" : Integer.toString(f.promotions()));
        row(t, m, "M1 deployment success", f -> share(f.deploymentSuccessRate(), f.deployed(), f.promotions()));
        row(t, m, "rollbacks", f -> Integer.toString(f.rollbacks()));
        row(t, m, "M2 time to rollback (mean)", f -> mean(f.timeToRollback()));
        row(t, m, "M3 canary pass rate", f -> share(f.canaryPassRate(), f.canariesPassed(), f.canaries()));
        row(t, m, "M4 drift incidents", f -> f.driftIncidents() == null ? "-"
                : Integer.toString(f.driftIncidents()));
        row(t, m, "time to clean (mean)", f -> mean(f.timeToClean()));
        row(t, m, "M5 time to recovery (mean)", f -> mean(f.timeToRecovery()));
        row(t, m, "deployments per day", f -> String.format(Locale.ROOT, "%.2f", f.deploymentsPerDay()));
        row(t, m, "lead time (median)", f -> f.leadTime().count() == 0 ? "-"
                : human(seconds(f.leadTime().medianSeconds())) + " (" + f.leadTime().count() + ")");
        row(t, m, "change failure rate", f -> share(f.changeFailureRate(), f.changeFailures(), f.promotions()));
        s.append(t).append("\n\n");

        Table live = new Table("LIVE", "DIGEST", "SINCE", "BY", "PROVENANCE", "VULNERABILITIES C/H/M/L");
        for (EnvironmentMetrics e : m.environments()) {
            LiveImage l = e.live();
            if (l == null) {
                live.row(e.environment(), "-", "-", "-", "-", "-");
                continue;
            }
            Vulnerabilities v = l.vulnerabilities();
            live.row(e.environment(), l.digest().shortForm(), l.since(), l.actor(),
                    !m.attestationsChecked() ? "not checked" : l.provenance() == null ? "none" : "verified",
                    !m.attestationsChecked() ? "not checked" : v == null ? "not scanned"
                            : v.critical() + "/" + v.high() + "/" + v.medium() + "/" + (v.low() + v.unknown())
                            + " (weighted " + v.weighted() + ")");
        }
        s.append(live).append("\n\n");
        if (m.attestationsChecked()) {
            s.append("M6 provenance coverage: ").append(share(m.provenanceCoverage(), m.liveDigestsWithProvenance(),
                    m.liveDigests())).append(" of live digests\n");
            s.append("M7 vulnerability density: ").append(m.vulnerabilityDensity() == null ? "-"
                    : String.format(Locale.ROOT, "%.1f", m.vulnerabilityDensity())).append(" weighted findings per"
                    + " live image (").append(m.liveDigestsScanned()).append(" of ").append(m.liveDigests())
                    .append(" scanned)\n");
        }
        if (m.dora() != null) {
            s.append("DORA keys in ").append(String.join(" and ", m.dora().environments())).append(": ")
                    .append(String.format(Locale.ROOT, "%.2f", m.dora().deploymentsPerDay())).append(" deployments"
                    + " a day, lead time ").append(m.dora().leadTime().count() == 0 ? "-"
                    : human(seconds(m.dora().leadTime().medianSeconds()))).append(", change failure rate ")
                    .append(m.dora().changeFailureRate() == null ? "-" : percent(m.dora().changeFailureRate()))
                    .append(", time to restore ").append(mean(m.dora().timeToRestore())).append('\n');
        }
        m.notes().forEach(n -> s.append("note: ").append(n).append('\n'));
        return s.toString();
    }

    private static void row(Table t, DeliveryMetrics m, String label, Function<Figures, String> cell) {
        List<Object> cells = new ArrayList<>(List.of(label));
        m.environments().forEach(e -> cells.add(cell.apply(e.figures())));
        cells.add(cell.apply(m.overall()));
        t.row(cells.toArray());
    }

    private static String share(Double ratio, int part, int whole) {
        return ratio == null ? "-" : percent(ratio) + " (" + part + "/" + whole + ")";
    }

    private static String percent(double ratio) {
        double p = ratio * 100;
        return (p == Math.rint(p) ? Long.toString((long) p) : String.format(Locale.ROOT, "%.1f", p)) + "%";
    }

    private static String mean(DurationStats d) {
        return d.count() == 0 ? "-" : human(seconds(d.meanSeconds())) + " (" + d.count() + ")";
    }

    private static Duration seconds(double s) {
        return Duration.ofMillis(Math.round(s * 1000));
    }

    private static String day(Instant t) {
        return t.truncatedTo(java.time.temporal.ChronoUnit.MINUTES).toString();
    }

    /** {@code 45s}, {@code 3m 30s}, {@code 1h 55m}, {@code 2d 3h}: two units at most. */
    static String human(Duration d) {
        long s = d.toSeconds();
        if (s < 60) {
            return d.toMillis() < 10_000 && d.toMillis() % 1000 != 0
                    ? String.format(Locale.ROOT, "%.1fs", d.toMillis() / 1000.0) : s + "s";
        }
        if (s < 3600) {
            return (s / 60) + "m" + (s % 60 == 0 ? "" : " " + (s % 60) + "s");
        }
        if (s < 86400) {
            return (s / 3600) + "h" + (s % 3600 / 60 == 0 ? "" : " " + (s % 3600 / 60) + "m");
        }
        return (s / 86400) + "d" + (s % 86400 / 3600 == 0 ? "" : " " + (s % 86400 / 3600) + "h");
    }
}
