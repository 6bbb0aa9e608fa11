package io.jenkins.plugins.immutable.analysis;

import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.deploy.haproxy.HAProxyRuntime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Points from HAProxy's own per-server statistics ({@code show stat} on the runtime API), for setups without
 * Prometheus. HAProxy keeps counters, not history, so this source samples them in the background from the moment it
 * is created, every {@code period}, and keeps the samples for {@code retention}; a fetch turns the samples within the
 * interval into one point per sampling period and scope.
 *
 * <p>A metric's query names statistics fields of {@code show stat}: {@code hrsp_5xx} (a counter: its rate per
 * second, summed over the scope's servers), {@code rtime} (a gauge: summed over the servers), or a ratio of sums,
 * {@code hrsp_5xx/hrsp_2xx+hrsp_3xx+hrsp_4xx+hrsp_5xx} (counters: of their increases in each period, so the share of
 * failed responses; NaN, a missing value, when nothing happened). Server names and backend come from the scopes.
 */
public final class HAProxyStatsSource implements MetricSource, AutoCloseable {

    private static final Pattern QUERY = Pattern.compile("[a-z0-9_]+(\\+[a-z0-9_]+)*(/[a-z0-9_]+(\\+[a-z0-9_]+)*)?");

    private final HAProxyRuntime runtime;
    private final Duration period;
    private final Duration retention;
    private final Clock clock;
    private final List<String> fields;
    private final Map<String, Boolean> counters;
    private final Deque<Sample> samples = new ArrayDeque<>();
    private final Thread sampler;
    private final Instant started;
    private volatile boolean running = true;
    private volatile String lastError;

    /** One reading: per "backend/server", the fields' values in {@link #fields} order (null when empty). */
    private record Sample(long epochMillis, Map<String, long[]> servers) {
    }

    private HAProxyStatsSource(HAProxyRuntime runtime, Duration period, Duration retention, Clock clock,
                               Collection<CanaryMetric> metrics) {
        this.runtime = runtime;
        this.period = period;
        this.retention = retention;
        this.clock = clock;
        Set<String> names = new LinkedHashSet<>();
        for (CanaryMetric metric : metrics) {
            names.addAll(fieldsOf(metric));
        }
        this.fields = List.copyOf(names);
        this.counters = natures(runtime, fields);
        this.started = clock.instant();
        sample();
        this.sampler = new Thread(this::run, "haproxy-stats " + runtime.socket());
        sampler.setDaemon(true);
        sampler.start();
    }

    /**
     * Starts sampling the fields the metrics' queries name, every {@code period}, keeping two hours.
     *
     * @throws EngineException BAD_INPUT for a query that names no field of {@code show stat}, OUTAGE when HAProxy's
     *         runtime API cannot be reached
     */
    public static HAProxyStatsSource start(HAProxyRuntime runtime, Duration period, Collection<CanaryMetric> metrics) {
        return start(runtime, period, Duration.ofHours(2), Clock.systemUTC(), metrics);
    }

    static HAProxyStatsSource start(HAProxyRuntime runtime, Duration period, Duration retention, Clock clock,
                                    Collection<CanaryMetric> metrics) {
        if (period.isNegative() || period.toMillis() < 100) {
            throw EngineException.badInput("HAProxy statistics are sampled at most every 100 ms, not every " + period);
        }
        return new HAProxyStatsSource(runtime, period, retention, clock, metrics);
    }

    private static List<String> fieldsOf(CanaryMetric metric) {
        String query = metric.query().replace(" ", "");
        if (!QUERY.matcher(query).matches()) {
            throw EngineException.badInput("the query of metric '" + metric.name() + "' is not HAProxy statistics fields:"
                    + " write a field of `show stat` (hrsp_5xx), a sum (hrsp_4xx+hrsp_5xx) or a ratio of sums"
                    + " (hrsp_5xx/req_tot), not " + metric.query());
        }
        return List.of(query.split("[+/]"));
    }

    /** Which fields are counters, from {@code show stat typed} (nature C); the rest are gauges, rates and ages. */
    private static Map<String, Boolean> natures(HAProxyRuntime runtime, List<String> fields) {
        Map<String, Boolean> natures = new HashMap<>();
        for (String line : runtime.execute("show stat typed").lines().toList()) {
            // S.<proxy id>.<server id>.<field index>.<field name>.<process>:<origin><nature><scope>:<type>:<value>
            int colon = line.indexOf(':');
            if (!line.startsWith("S.") || colon < 0 || colon + 2 >= line.length()) {
                continue;
            }
            String[] key = line.substring(0, colon).split("\\.");
            if (key.length >= 5) {
                natures.putIfAbsent(key[4], line.charAt(colon + 2) == 'C');
            }
        }
        for (String field : fields) {
            if (!natures.containsKey(field)) {
                throw EngineException.badInput("HAProxy at " + runtime.socket() + " has no server statistic '" + field
                        + "'; use a field of `show stat`, e.g. hrsp_2xx, hrsp_5xx, req_tot, stot, rtime, ttime, scur");
            }
        }
        return natures;
    }

    private void run() {
        long next = System.nanoTime();
        while (running) {
            next += period.toNanos();
            long wait = next - System.nanoTime();
            if (wait > 0) {
                try {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                } catch (InterruptedException e) {
                    return;
                }
            } else {
                next = System.nanoTime();
            }
            if (running) {
                sample();
            }
        }
    }

    private void sample() {
        List<Map<String, String>> rows;
        long at = clock.millis();
        try {
            rows = runtime.stat();
        } catch (EngineException e) {
            lastError = e.getMessage();
            return;
        }
        Map<String, long[]> servers = new HashMap<>();
        for (Map<String, String> row : rows) {
            String server = row.get("svname");
            if (server == null || server.equals("FRONTEND") || server.equals("BACKEND")) {
                continue;
            }
            long[] values = new long[fields.size()];
            for (int f = 0; f < fields.size(); f++) {
                String cell = row.get(fields.get(f));
                values[f] = cell == null || cell.isEmpty() ? Long.MIN_VALUE : parse(cell);
            }
            servers.put(row.get("pxname") + "/" + server, values);
        }
        synchronized (samples) {
            samples.addLast(new Sample(at, servers));
            long oldest = at - retention.toMillis();
            while (!samples.isEmpty() && samples.peekFirst().epochMillis() < oldest) {
                samples.removeFirst();
            }
        }
    }

    private static long parse(String cell) {
        try {
            return Long.parseLong(cell);
        } catch (NumberFormatException e) {
            return Long.MIN_VALUE;
        }
    }

    @Override
    public ScopedSeries fetch(CanaryMetric metric, Scopes scopes, Instant start, Instant end) {
        String query = metric.query().replace(" ", "");
        String[] sides = query.split("/");
        int[] numerator = indexes(metric, sides[0]);
        int[] denominator = sides.length > 1 ? indexes(metric, sides[1]) : null;
        boolean counting = counters.get(fields.get(numerator[0]));
        for (int f : concat(numerator, denominator)) {
            if (counters.get(fields.get(f)) != counting) {
                throw EngineException.badInput("the query of metric '" + metric.name() + "' mixes counters and gauges"
                        + " (" + metric.query() + "); sum or divide fields of one kind");
            }
        }
        List<Sample> window = new ArrayList<>();
        synchronized (samples) {
            for (Sample s : samples) {
                if (s.epochMillis() >= start.toEpochMilli() && s.epochMillis() <= end.toEpochMilli()) {
                    window.add(s);
                }
            }
        }
        TimeSeries baseline = series(window, scopes.baseline(), numerator, denominator, counting);
        TimeSeries canary = series(window, scopes.canary(), numerator, denominator, counting);
        String origin = "HAProxy statistics at " + runtime.socket() + " sampled every " + period.toMillis() + " ms"
                + " since " + started + " (" + window.size() + " samples from " + start + " to " + end
                + (lastError == null ? "" : "; last error: " + lastError) + "): " + metric.query() + " over "
                + scopes.canary().environment() + " servers " + scopes.canary().servers() + " (canary) and "
                + scopes.baseline().servers() + " (baseline)";
        return new ScopedSeries(baseline, canary, origin);
    }

    private int[] indexes(CanaryMetric metric, String sum) {
        String[] names = sum.split("\\+");
        int[] indexes = new int[names.length];
        for (int i = 0; i < names.length; i++) {
            indexes[i] = fields.indexOf(names[i]);
            if (indexes[i] < 0) {
                throw EngineException.badInput("metric '" + metric.name() + "' was not among the metrics this HAProxy"
                        + " statistics source was started for; start it with every metric of the template");
            }
        }
        return indexes;
    }

    private static int[] concat(int[] a, int[] b) {
        if (b == null) {
            return a;
        }
        int[] all = new int[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    /** One point per pair of consecutive samples (counters) or per sample after the first (gauges). */
    private TimeSeries series(List<Sample> window, Scope scope, int[] numerator, int[] denominator, boolean counting) {
        int points = Math.max(0, window.size() - 1);
        long[] times = new long[points];
        double[] values = new double[points];
        for (int k = 1; k < window.size(); k++) {
            Sample previous = window.get(k - 1);
            Sample current = window.get(k);
            times[k - 1] = current.epochMillis();
            double top = sum(scope, previous, current, numerator, counting);
            if (denominator == null) {
                double seconds = (current.epochMillis() - previous.epochMillis()) / 1000.0;
                values[k - 1] = counting ? top / seconds : top;
            } else {
                double bottom = sum(scope, previous, current, denominator, counting);
                values[k - 1] = bottom == 0 ? Double.NaN : top / bottom;
            }
        }
        return new TimeSeries(times, values);
    }

    /** Over the scope's servers: the fields' increases between the samples (counters) or current values (gauges). */
    private static double sum(Scope scope, Sample previous, Sample current, int[] fieldIndexes, boolean counting) {
        double sum = 0;
        for (String server : scope.servers()) {
            long[] now = current.servers().get(scope.environment() + "/" + server);
            long[] before = previous.servers().get(scope.environment() + "/" + server);
            if (now == null || (counting && before == null)) {
                return Double.NaN;
            }
            for (int f : fieldIndexes) {
                if (now[f] == Long.MIN_VALUE || (counting && before[f] == Long.MIN_VALUE)) {
                    return Double.NaN;
                }
                long value = counting ? now[f] - before[f] : now[f];
                if (value < 0 && counting) {
                    return Double.NaN; // a counter went back: HAProxy restarted
                }
                sum += value;
            }
        }
        return sum;
    }

    /** Stops sampling. */
    @Override
    public void close() {
        running = false;
        sampler.interrupt();
        try {
            sampler.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "HAProxy statistics at " + runtime.socket() + " every " + period.toMillis() + " ms";
    }
}
