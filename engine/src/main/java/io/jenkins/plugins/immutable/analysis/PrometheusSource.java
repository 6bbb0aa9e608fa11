package io.jenkins.plugins.immutable.analysis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.registry.HttpProxy;
import io.jenkins.plugins.immutable.registry.RequestLog;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Points from Prometheus' HTTP API ({@code /api/v1/query_range}), one query per scope. A metric's query is a PromQL
 * template in which the scope is substituted:
 * <ul>
 *   <li>{@code ${scope}}: the scope's label selector, by default {@code proxy="<backend>",server=~"<servers>"} as
 *   HAProxy's exporter labels its per-server metrics (another exporter's labels: {@link #withSelector});</li>
 *   <li>{@code ${environment}}: the backend; {@code ${servers}}: the servers as a regular expression;
 *   {@code ${role}}: {@code canary} or {@code baseline}.</li>
 * </ul>
 * For example {@code sum(irate(haproxy_server_http_responses_total{code="5xx",${scope}}[1s]))}. Several series from
 * one query (per-instance metrics) are pooled. Points are {@link #withStep step} apart; a step at or above the scrape
 * interval, with rate windows that do not overlap from point to point, keeps the points independent, which the U
 * test assumes. Queries go through an {@link #withProxies HTTP proxy} when one applies to Prometheus' address.
 */
public final class PrometheusSource implements MetricSource {

    /** HAProxy's exporter: {@code proxy} is the backend, {@code server} the server slot. */
    public static final String HAPROXY_SELECTOR = "proxy=\"${environment}\",server=~\"${servers}\"";

    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^}]*)}");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI url;
    private final Duration step;
    private final String selector;
    private final Duration timeout;
    private final List<HttpProxy> proxies;
    private final HttpClient http;

    public PrometheusSource(URI url) {
        this(url, Duration.ofSeconds(1), HAPROXY_SELECTOR, Duration.ofSeconds(15), List.of());
    }

    private PrometheusSource(URI url, Duration step, String selector, Duration timeout, List<HttpProxy> proxies) {
        this.url = Objects.requireNonNull(url, "url");
        if (!"http".equals(url.getScheme()) && !"https".equals(url.getScheme())) {
            throw EngineException.badInput("Prometheus' address must be an http or https URL, not " + url);
        }
        if (step.isNegative() || step.isZero()) {
            throw EngineException.badInput("the Prometheus query step must be positive, not " + step);
        }
        this.step = step;
        this.selector = selector;
        this.timeout = timeout;
        this.proxies = List.copyOf(proxies);
        HttpProxy.checkSchemes(this.proxies);
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5));
        if (!this.proxies.isEmpty()) {
            b.proxy(HttpProxy.selector(this.proxies));
        }
        this.http = b.build();
    }

    /** Points this far apart (default 1s); not finer than the scrape interval, or points repeat. */
    public PrometheusSource withStep(Duration newStep) {
        return new PrometheusSource(url, newStep, selector, timeout, proxies);
    }

    /** What {@code ${scope}} becomes, itself using {@code ${environment}} and {@code ${servers}}. */
    public PrometheusSource withSelector(String newSelector) {
        return new PrometheusSource(url, step, newSelector, timeout, proxies);
    }

    /**
     * Queries through these proxies (at most one per scheme), unless the one for Prometheus' scheme exempts its host;
     * none: directly, as by default.
     */
    public PrometheusSource withProxies(List<HttpProxy> newProxies) {
        return new PrometheusSource(url, step, selector, timeout, newProxies);
    }

    /** Queries through this proxy, unless it exempts Prometheus' host. */
    public PrometheusSource withProxy(HttpProxy proxy) {
        return withProxies(List.of(proxy));
    }

    public URI url() {
        return url;
    }

    public Duration step() {
        return step;
    }

    @Override
    public ScopedSeries fetch(CanaryMetric metric, Scopes scopes, Instant start, Instant end) {
        if (!end.isAfter(start)) {
            throw new IllegalArgumentException("an interval must end after it starts: " + start + " to " + end);
        }
        String baselineQuery = expand(metric, scopes.baseline());
        String canaryQuery = expand(metric, scopes.canary());
        if (baselineQuery.equals(canaryQuery)) {
            throw EngineException.badInput("the query of metric '" + metric.name() + "' reads the same for canary and"
                    + " baseline: put ${scope} where the label selector goes, e.g. rate(requests_total{${scope}}[1s])");
        }
        TimeSeries baseline = queryRange(metric, "baseline", baselineQuery, start, end);
        TimeSeries canary = queryRange(metric, "canary", canaryQuery, start, end);
        String origin = "Prometheus " + url + " (step " + seconds(step) + "s, " + start + " to " + end + "): canary `"
                + canaryQuery + "`, baseline `" + baselineQuery + "`";
        return new ScopedSeries(baseline, canary, origin);
    }

    /** The metric's query for one scope. */
    String expand(CanaryMetric metric, Scope scope) {
        String withScope = substitute(metric, metric.query(), scope, true);
        return substitute(metric, withScope, scope, false);
    }

    private String substitute(CanaryMetric metric, String template, Scope scope, boolean scopeOnly) {
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1);
            String value;
            if (scopeOnly) {
                value = name.equals("scope") ? selector : m.group();
            } else {
                value = switch (name) {
                    case "environment" -> labelValue(scope.environment());
                    case "servers" -> labelValue(scope.serverPattern());
                    case "role" -> scope.role().label();
                    default -> throw EngineException.badInput("the query of metric '" + metric.name() + "' uses ${"
                            + name + "}; known placeholders are ${scope}, ${environment}, ${servers} and ${role}");
                };
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** Escapes a value for a double-quoted PromQL string. */
    private static String labelValue(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    private TimeSeries queryRange(CanaryMetric metric, String role, String query, Instant start, Instant end) {
        String form = "query=" + URLEncoder.encode(query, StandardCharsets.UTF_8)
                + "&start=" + seconds(start) + "&end=" + seconds(end) + "&step=" + seconds(step);
        JsonNode body = api("/api/v1/query_range", form, "metric '" + metric.name() + "'", " for the " + role,
                "fix the metric's query: " + query);
        return series(body);
    }

    /** The value of an instant query at {@code time}: one per series it returns (none when there is no data). */
    public List<Double> instant(String query, Instant time, String what) {
        String form = "query=" + URLEncoder.encode(query, StandardCharsets.UTF_8) + "&time=" + seconds(time);
        JsonNode body = api("/api/v1/query", form, what, "", "fix the query: " + query);
        List<Double> values = new ArrayList<>();
        for (JsonNode series : body.path("data").path("result")) {
            values.add(parseValue(series.path("value").path(1).asText()));
        }
        if (!"vector".equals(body.path("data").path("resultType").asText("vector"))) {
            throw EngineException.badInput("the query of " + what + " gives a " + body.path("data").path("resultType")
                    .asText() + ", not an instant vector: " + query);
        }
        return values;
    }

    /**
     * Sends a query to Prometheus' API and returns its successful answer. Unreachable, failing or not Prometheus: an
     * OUTAGE; a query Prometheus refuses: BAD_INPUT saying {@code fix}.
     */
    private JsonNode api(String path, String form, String what, String forWhom, String fix) {
        URI endpoint = URI.create(url.toString().replaceAll("/+$", "") + path);
        HttpProxy proxy = HttpProxy.forUri(proxies, endpoint).orElse(null);
        HttpRequest.Builder rb;
        if (proxy == null) {
            rb = HttpRequest.newBuilder(endpoint).header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(form));
        } else {
            // GET through a proxy: one that turns a request away answers before reading a body and closes, and the
            // reset its unread body causes can swallow that answer (tinyproxy does). Our queries fit in a URL.
            rb = HttpRequest.newBuilder(URI.create(endpoint + "?" + form)).GET();
            // As the registry client does: pre-emptive, as a java.net.Authenticator would also take Prometheus' 401s.
            proxy.proxyAuthorization().ifPresent(value -> rb.header("Proxy-Authorization", value));
        }
        rb.timeout(timeout);
        HttpRequest request = rb.build();
        HttpResponse<java.io.InputStream> response = null;
        String text = null;
        IOException failure = null;
        String via = proxy == null ? null : " (through the proxy " + proxy.address() + ")";
        for (int attempt = 1; attempt <= 3 && text == null; attempt++) {
            long started = System.nanoTime();
            try {
                // The body separately: a proxy that turns the request away closes the connection after its answer,
                // whose status and headers are all that is needed then.
                response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
                RequestLog.answered(request.method(), request.uri(), response.statusCode(), started, via);
                if (proxy != null && HttpProxy.isRefusal(response.statusCode(), response.headers())) {
                    response.body().close();
                    throw proxy.refused(endpoint, response.statusCode(), "query Prometheus for " + what);
                }
                try (java.io.InputStream in = response.body()) {
                    text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                }
                if (response.statusCode() >= 500 && attempt < 3) {
                    text = null;
                    RequestLog.retry(request.method(), request.uri(), "Prometheus answered HTTP "
                            + response.statusCode() + " to the query of " + what,
                            Duration.ofMillis(200L * attempt), attempt + 1, 3);
                    Thread.sleep(200L * attempt);
                }
            } catch (IOException e) {
                failure = e;
                RequestLog.failed(request.method(), request.uri(), e, started, via);
                if (attempt < 3) {
                    RequestLog.retry(request.method(), request.uri(), "no answer from Prometheus to the query of "
                            + what + " (" + e.getClass().getSimpleName() + ")",
                            Duration.ofMillis(200L * attempt), attempt + 1, 3);
                }
                sleepQuietly(200L * attempt);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw EngineException.outage("interrupted while querying Prometheus at " + url, e);
            }
        }
        if (text == null && proxy != null) {
            // Through a proxy the client dials only the proxy, so a refused connection is the proxy's.
            throw EngineException.outage("cannot reach Prometheus at " + url + " through the proxy " + proxy.address()
                    + " (" + failure + "); check that the proxy runs and that the proxy settings (HTTPS_PROXY,"
                    + " HTTP_PROXY, NO_PROXY) name the right one", failure);
        }
        if (text == null) {
            throw EngineException.outage("cannot reach Prometheus at " + url + " (" + failure
                    + "); check that it runs and listens there (scripts/stack up starts one on 127.0.0.1:5107)", failure);
        }
        JsonNode body;
        try {
            body = JSON.readTree(text);
        } catch (IOException e) {
            if (response.statusCode() >= 500) {
                // Prometheus answers 503 while it starts (its storage replaying) and a proxy in front may answer 502
                throw EngineException.outage("Prometheus at " + url + " answered HTTP " + response.statusCode()
                        + " without its API's JSON: it is starting, overloaded or behind a failing proxy; check"
                        + " that it is ready (its /-/ready endpoint answers 200)", e);
            }
            throw EngineException.outage("Prometheus at " + url + " answered HTTP " + response.statusCode()
                    + " with something that is not its API's JSON; is " + url + " Prometheus?", e);
        }
        if (!"success".equals(body.path("status").asText())) {
            String error = body.path("errorType").asText("") + ": " + body.path("error").asText(text);
            if (response.statusCode() == 400 || response.statusCode() == 422) {
                throw EngineException.badInput("Prometheus refused the query of " + what + forWhom + " (" + error
                        + "); " + fix);
            }
            throw EngineException.outage("Prometheus at " + url + " failed the query of " + what
                    + " with HTTP " + response.statusCode() + " (" + error + ")", null);
        }
        return body;
    }


    private static TimeSeries series(JsonNode body) {
        List<long[]> times = new ArrayList<>();
        List<double[]> values = new ArrayList<>();
        int total = 0;
        for (JsonNode series : body.path("data").path("result")) {
            JsonNode points = series.path("values");
            long[] t = new long[points.size()];
            double[] v = new double[points.size()];
            for (int i = 0; i < points.size(); i++) {
                JsonNode point = points.get(i);
                t[i] = new BigDecimal(point.get(0).asText()).movePointRight(3).longValue();
                v[i] = parseValue(point.get(1).asText());
            }
            times.add(t);
            values.add(v);
            total += t.length;
        }
        long[] allTimes = new long[total];
        double[] allValues = new double[total];
        int at = 0;
        for (int s = 0; s < times.size(); s++) {
            System.arraycopy(times.get(s), 0, allTimes, at, times.get(s).length);
            System.arraycopy(values.get(s), 0, allValues, at, values.get(s).length);
            at += times.get(s).length;
        }
        return new TimeSeries(allTimes, allValues);
    }

    /** Prometheus writes values as strings, NaN and +Inf included; both are missing values to the judge. */
    private static double parseValue(String text) {
        try {
            return Double.parseDouble(text.replace("Inf", "Infinity"));
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    private static String seconds(Instant t) {
        return BigDecimal.valueOf(t.getEpochSecond()).add(BigDecimal.valueOf(t.getNano(), 9)).stripTrailingZeros()
                .toPlainString();
    }

    private static String seconds(Duration d) {
        return BigDecimal.valueOf(d.getSeconds()).add(BigDecimal.valueOf(d.getNano(), 9)).stripTrailingZeros()
                .toPlainString();
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "Prometheus " + url + " (step " + seconds(step) + "s" + HttpProxy.forUri(proxies, url)
                .map(p -> ", through proxy " + p.address()).orElse("") + ")";
    }
}
