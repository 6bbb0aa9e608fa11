package io.jenkins.plugins.immutable.analysis;

import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.ProgressListener;
import io.jenkins.plugins.immutable.deploy.CanaryAnalysis;
import io.jenkins.plugins.immutable.deploy.CanaryDecision;
import io.jenkins.plugins.immutable.deploy.CanaryStep;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

/**
 * The canary's analysis between weight steps, as the {@link io.jenkins.plugins.immutable.deploy.Deployer} asks for
 * it: after each step's pause, every metric of the template is fetched for the canary and the baseline over the step
 * (since its weight took effect, or the last {@code interval} of it), judged, and added to the deployment's
 * {@link CanaryReport}. Then:
 * <ul>
 *   <li>Fail: roll back (traffic back to the live version, canary and baseline removed);</li>
 *   <li>Pass: go on (after the last step the canary becomes the live version and the old instances are drained);</li>
 *   <li>Marginal: hold at this weight and ask the {@link MarginalHook}; each time the pause has passed again the
 *   held interval is judged too (a Fail rolls back at once) and the answer looked for; none by the deadline rolls
 *   back.</li>
 * </ul>
 * Errors of the metric source (Prometheus unreachable, a query it refuses) reach the deployer, which rolls back.
 * Reports live in memory, one per deployment; a resumed process starts a new one.
 */
public final class MetricCanaryAnalysis implements CanaryAnalysis {

    private final AnalysisTemplate template;
    private final CanaryJudge judge;
    private final MetricSource source;
    private final MarginalHook marginal;
    private final Duration marginalTimeout;
    private final Duration interval;
    private final ProgressListener listener;
    private final BiConsumer<CanaryStep, CanaryReport> onReport;
    private final Clock clock;
    private final Map<String, CanaryReport> reports = new ConcurrentHashMap<>();
    private final Map<String, MarginalQuestion> pending = new ConcurrentHashMap<>();

    private MetricCanaryAnalysis(Builder b) {
        this.template = b.template;
        this.judge = new CanaryJudge(b.template);
        this.source = b.source;
        this.marginal = b.marginal;
        this.marginalTimeout = b.marginalTimeout;
        this.interval = b.interval;
        this.listener = b.listener;
        this.onReport = b.onReport;
        this.clock = b.clock;
    }

    public static Builder builder(AnalysisTemplate template, MetricSource source) {
        return new Builder(template, source);
    }

    /**
     * How long a step (or the interval judged of it) must last for every metric to reach the template's minimum of
     * points when the source gives one point per {@code step}: configurations should check their pauses against it.
     */
    public static Duration requiredWindow(AnalysisTemplate template, Duration step) {
        return step.multipliedBy(template.minimumPoints());
    }

    /** Where the metrics come from (Prometheus, HAProxy's statistics), for pages that say what was judged on. */
    public MetricSource source() {
        return source;
    }

    /** The report of a deployment so far. */
    public Optional<CanaryReport> report(String deploymentId) {
        return Optional.ofNullable(reports.get(deploymentId));
    }

    @Override
    public CanaryDecision judge(CanaryStep step) throws InterruptedException {
        Instant end = clock.instant();
        Instant start = step.since() != null ? step.since() : end.minus(interval == null ? Duration.ofMinutes(1) : interval);
        if (interval != null && start.isBefore(end.minus(interval))) {
            start = end.minus(interval);
        }
        if (!end.isAfter(start)) {
            end = start.plusMillis(1);
        }
        Scopes scopes = Scope.of(step);
        Map<String, ScopedSeries> data = new LinkedHashMap<>();
        for (CanaryMetric metric : template.metrics()) {
            ScopedSeries series = source.fetch(metric, scopes, start, end);
            if (Thread.interrupted()) {
                throw new InterruptedException("canary analysis of " + step.environment() + " stopped");
            }
            data.put(metric.name(), series);
        }
        Judgement judgement = judge.judge(start, end, data).atWeight(step.weight());
        String key = step.deploymentId() + "#" + step.index();
        CanaryReport report = reports.compute(step.deploymentId(),
                (id, r) -> r == null ? CanaryReport.of(template, List.of(judgement)) : r.with(judgement));
        listener.line("canary analysis of " + step.environment() + " at " + step.weight() + "%" + " ("
                + (step.index() + 1) + "/" + step.steps() + (step.holds() > 0 ? ", held " + step.holds() + "x" : "")
                + "): " + describe(judgement));
        for (MetricResult r : judgement.metrics()) {
            listener.line("  " + r.name() + ": " + r.classification() + " - " + r.reason());
        }

        CanaryDecision decision;
        MarginalQuestion question = pending.get(key);
        if (judgement.verdict() == Verdict.FAIL) {
            pending.remove(key);
            decision = CanaryDecision.rollBack(describe(judgement));
        } else if (question == null && judgement.verdict() == Verdict.PASS) {
            decision = CanaryDecision.proceed(describe(judgement));
        } else {
            if (question == null) {
                question = new MarginalQuestion(step.environment(), step.deploymentId(), step.index(), step.weight(),
                        report, end.plus(marginalTimeout));
                pending.put(key, question);
                listener.line("waiting for a decision on the marginal verdict until " + question.deadline());
                marginal.ask(question);
            }
            Optional<Decision> answer = marginal.answer(question);
            if (answer.isEmpty() && !clock.instant().isBefore(question.deadline())) {
                answer = Optional.of(new Decision(false, "timeout", "no decision on the marginal verdict within "
                        + marginalTimeout, clock.instant()));
            }
            if (answer.isPresent()) {
                pending.remove(key);
                Decision d = answer.get();
                report = reports.compute(step.deploymentId(), (id, r) -> r.withLast(r.last().withDecision(d)));
                String why = "Marginal (score " + CanaryJudge.fmt(judgement.score()) + "), decided by " + d.by()
                        + (d.reason() == null || d.reason().isBlank() ? "" : ": " + d.reason());
                decision = d.proceed() ? CanaryDecision.proceed(why) : CanaryDecision.rollBack(why);
            } else {
                decision = CanaryDecision.hold(describe(judgement) + "; waiting for a decision until "
                        + question.deadline());
            }
        }
        onReport.accept(step, reports.get(step.deploymentId()));
        return decision;
    }

    private String describe(Judgement j) {
        ScoreThresholds t = template.thresholds();
        String verdict = switch (j.verdict()) {
            case PASS -> "Pass: score " + CanaryJudge.fmt(j.score()) + " >= " + CanaryJudge.fmt(t.pass());
            case MARGINAL -> "Marginal: score " + CanaryJudge.fmt(j.score()) + " between " + CanaryJudge.fmt(t.marginal())
                    + " and " + CanaryJudge.fmt(t.pass());
            case FAIL -> "Fail: score " + CanaryJudge.fmt(j.score()) + " < " + CanaryJudge.fmt(t.marginal());
        };
        return verdict + " (" + j.reason() + ")";
    }

    /** How the analysis judges, asks and reports. */
    public static final class Builder {
        private final AnalysisTemplate template;
        private final MetricSource source;
        private MarginalHook marginal = MarginalHook.NOBODY;
        private Duration marginalTimeout = Duration.ofMinutes(10);
        private Duration interval;
        private ProgressListener listener = ProgressListener.NONE;
        private BiConsumer<CanaryStep, CanaryReport> onReport = (step, report) -> { };
        private Clock clock = Clock.systemUTC();

        private Builder(AnalysisTemplate template, MetricSource source) {
            this.template = Objects.requireNonNull(template, "template");
            this.source = Objects.requireNonNull(source, "source");
        }

        /** Who decides a marginal verdict (default: nobody, so it rolls back at the timeout). */
        public Builder marginal(MarginalHook hook) {
            this.marginal = Objects.requireNonNull(hook, "hook");
            return this;
        }

        /** How long a marginal verdict waits for a decision before the canary is rolled back (default 10 minutes). */
        public Builder marginalTimeout(Duration timeout) {
            if (timeout.isNegative()) {
                throw EngineException.badInput("the timeout for a decision on a marginal verdict must not be negative");
            }
            this.marginalTimeout = timeout;
            return this;
        }

        /**
         * Judge only the last {@code interval} of each step (the instances' warm-up left out); default: all of it,
         * from when the step's weight took effect.
         */
        public Builder interval(Duration value) {
            if (value != null && (value.isNegative() || value.isZero())) {
                throw EngineException.badInput("the analysis interval must be positive, not " + value);
            }
            this.interval = value;
            return this;
        }

        public Builder listener(ProgressListener value) {
            this.listener = Objects.requireNonNull(value, "listener");
            return this;
        }

        /** Called after each judgement with the deployment's report (the plugin stores it as the run's action). */
        public Builder onReport(BiConsumer<CanaryStep, CanaryReport> value) {
            this.onReport = Objects.requireNonNull(value, "onReport");
            return this;
        }

        public Builder clock(Clock value) {
            this.clock = Objects.requireNonNull(value, "clock");
            return this;
        }

        public MetricCanaryAnalysis build() {
            return new MetricCanaryAnalysis(this);
        }
    }
}
