package io.jenkins.plugins.immutable.config;

import io.jenkins.plugins.immutable.analysis.PrometheusSource;
import io.jenkins.plugins.immutable.freeze.PromotionWindows;
import io.jenkins.plugins.immutable.freeze.Window;
import java.io.Serializable;
import java.time.Duration;
import io.jenkins.plugins.immutable.promote.SloPolicy;
import java.util.List;
import java.util.Map;

/**
 * What a digest must show before it enters an environment.
 *
 * @param signedBy     ids of trusted keys, one of which must have signed the digest; empty = no signature gate
 * @param scanMaxAge   a passing scan attestation for the digest no older than this; null = no scan gate
 * @param fromPrevious the digest must be deployed upstream: in the previous environment of a plain order, in all or
 *                     any of the environment's upstream environments in a graph (ignored for one that takes digests
 *                     from builds); default true
 * @param approval     a person must approve (Jenkins: an input step; CLI: --approve or a prompt)
 * @param provenance   a provenance attestation policy; null = none
 * @param windows      when promotions are allowed (weekly windows in a time zone); null = at any time
 * @param soak         how long a digest must have been live upstream (in each, or one, of the upstream
 *                     environments, as the environment requires), without being rolled back
 *                     from or failing there, before it may enter this one ({@code 30m}, {@code 2h}); null = no soak
 * @param slo          the error budgets of the upstream environments and this one must not burn too fast; null = none
 */
public record GatesConfig(List<String> signedBy, String scanMaxAge, Boolean fromPrevious, boolean approval,
        ProvenanceConfig provenance, WindowsConfig windows, String soak, SloConfig slo) implements Serializable {

    private static final long serialVersionUID = 1L;

    /** What an environment without a {@code gates} block gets: only the promotion order is enforced. */
    public static final GatesConfig DEFAULT = new GatesConfig(List.of(), null, true, false, null);

    /** Gates without promotion windows or soak time. */
    public GatesConfig(List<String> signedBy, String scanMaxAge, Boolean fromPrevious, boolean approval,
            ProvenanceConfig provenance) {
        this(signedBy, scanMaxAge, fromPrevious, approval, provenance, null, null, null);
    }

    public GatesConfig {
        signedBy = Text.list(signedBy, "signedBy");
        scanMaxAge = Text.optional(scanMaxAge);
        String givenMaxAge = scanMaxAge;
        Text.in("scanMaxAge", () -> Durations.parse(givenMaxAge));
        fromPrevious = fromPrevious == null || fromPrevious;
        soak = Text.optional(soak);
        String givenSoak = soak;
        Duration soakTime = Text.in("soak", () -> Durations.parse(givenSoak));
        if (soakTime != null && (soakTime.isZero() || soakTime.isNegative())) {
            throw Text.invalid("soak", "soak " + soak + " must be longer than zero, e.g. 30m; leave it out for no soak"
                    + " gate");
        }
    }

    /**
     * The error-budget gate: before a promotion, the burn rate of the upstream environments and of this one, over each
     * window, from Prometheus; refused while every window of one of them is at or over its threshold.
     *
     * @param prometheus Prometheus' base URL
     * @param errorRatio PromQL for the share of failed requests, with {@code ${window}} and {@code ${scope}} (the
     *                   environment's selector, {@code proxy="<environment>"}) or {@code ${environment}}
     * @param objective  the SLO in percent (default 99.9)
     * @param burnRates  window to burn-rate threshold (default {@code 1h: 14.4, 5m: 14.4}, the SRE workbook's page)
     * @param betweenCanarySteps whether a canary into the environment also reads the environment's budget after each
     *                   step and rolls back while it burns (default false)
     */
    public record SloConfig(String prometheus, String errorRatio, Double objective, Map<String, Double> burnRates,
            boolean betweenCanarySteps) implements Serializable {

        private static final long serialVersionUID = 1L;

        public SloConfig {
            prometheus = Text.required(prometheus, "prometheus", "give Prometheus' base URL, for example"
                    + " http://127.0.0.1:9090");
            if (!prometheus.startsWith("http://") && !prometheus.startsWith("https://")) {
                throw Text.invalid("prometheus", "Prometheus' address must be an http or https URL, not "
                        + prometheus);
            }
            errorRatio = Text.required(errorRatio, "errorRatio", "give the PromQL for the error ratio, e.g."
                    + " sum(rate(haproxy_backend_http_responses_total{${scope},code=\"5xx\"}[${window}])) /"
                    + " sum(rate(haproxy_backend_http_responses_total{${scope}}[${window}]))");
            String query = errorRatio;
            Text.in("errorRatio", () -> {
                SloPolicy.requireQuery(query);
                return null;
            });
            objective = objective == null ? 99.9 : objective;
            if (!(objective > 0 && objective < 100)) {
                throw Text.invalid("objective", "the SLO " + objective + " must lie between 0 and 100 (percent),"
                        + " e.g. 99.9");
            }
            burnRates = burnRates == null || burnRates.isEmpty() ? Map.of("1h", 14.4, "5m", 14.4)
                    : Map.copyOf(burnRates);
            for (Map.Entry<String, Double> e : burnRates.entrySet()) {
                Duration window = Text.in("burnRates", () -> Durations.parse(e.getKey()));
                if (window == null || window.isZero() || window.toMillis() % 1000 != 0 || e.getValue() == null
                        || !(e.getValue() > 0)) {
                    throw Text.invalid("burnRates", "burn rate '" + e.getKey() + ": " + e.getValue() + "' needs a"
                            + " window of whole seconds or more and a positive threshold, e.g. 1h: 14.4");
                }
            }
        }

        /** The engine's form, querying through {@code source}. */
        public SloPolicy toPolicy(PrometheusSource source) {
            List<SloPolicy.BurnWindow> windows = burnRates.entrySet().stream()
                    .map(e -> new SloPolicy.BurnWindow(Durations.parse(e.getKey()), e.getValue())).toList();
            return new SloPolicy(source, errorRatio, objective / 100, windows);
        }
    }

    /**
     * When promotions into the environment are allowed: weekly windows in a time zone. A moment is open when it lies
     * in one of the {@code allow} windows (or there are none) and in none of the {@code deny} windows.
     *
     * @param timeZone a region id such as {@code Europe/Berlin}; default UTC
     * @param allow    windows such as {@code Mon-Fri 09:00-17:00}, {@code Fri 22:00-02:00}, {@code 09:00-17:00}
     * @param deny     windows in which promotions are refused even inside an allowed one
     */
    public record WindowsConfig(String timeZone, List<String> allow, List<String> deny) implements Serializable {

        private static final long serialVersionUID = 1L;

        public WindowsConfig {
            timeZone = Text.optional(timeZone);
            allow = Text.list(allow);
            deny = Text.list(deny);
            String zone = timeZone;
            Text.in("timeZone", () -> PromotionWindows.parse(zone, List.of(), List.of("00:00-24:00")));
            for (int i = 0; i < allow.size(); i++) {
                String w = allow.get(i);
                Text.in("allow[" + i + "]", () -> Window.parse(w));
            }
            for (int i = 0; i < deny.size(); i++) {
                String w = deny.get(i);
                Text.in("deny[" + i + "]", () -> Window.parse(w));
            }
            if (allow.isEmpty() && deny.isEmpty()) {
                throw Text.invalid("allow", "promotion windows need at least one allow or deny window, e.g."
                        + " allow: ['Mon-Fri 09:00-17:00']; leave windows out to allow promotions at any time");
            }
        }

        /** The engine's form. */
        public PromotionWindows toWindows() {
            return PromotionWindows.parse(timeZone, allow, deny);
        }
    }

    /**
     * Provenance policy: the attestation's builder id and source repository must match one of these (an entry ending
     * in {@code *} matches by prefix).
     */
    public record ProvenanceConfig(List<String> builderIds, List<String> sourceRepositories) implements Serializable {

        private static final long serialVersionUID = 1L;

        public ProvenanceConfig {
            builderIds = Text.list(builderIds, "builderIds");
            sourceRepositories = Text.list(sourceRepositories, "sourceRepositories");
        }
    }
}
