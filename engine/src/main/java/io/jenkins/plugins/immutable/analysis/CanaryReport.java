package io.jenkins.plugins.immutable.analysis;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.jenkins.plugins.immutable.EngineException;
import java.util.ArrayList;
import java.util.List;

/**
 * A canary analysis over one or more intervals: the template it was judged by, every judgement with every number
 * behind it, and the verdict of the series. The plugin shows and stores it (as JSON), the CLI prints it.
 *
 * <p>The series' verdict follows Kayenta: every judgement must reach Marginal and the last must reach Pass. So a
 * Fail anywhere fails the series, a last Pass passes it, and anything else is Marginal. An Inconclusive judgement
 * (the metric source kept erroring) says nothing about the canary: last, it makes the series Inconclusive; earlier,
 * a decision let the canary go on past it, and it neither fails nor passes the series.
 */
public record CanaryReport(AnalysisTemplate template, List<Judgement> judgements, Verdict verdict, String summary) {

    private static final ObjectMapper JSON = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    public CanaryReport {
        judgements = List.copyOf(judgements);
    }

    /** The report of the given judgements, in the order they were made; at least one. */
    public static CanaryReport of(AnalysisTemplate template, List<Judgement> judgements) {
        if (judgements.isEmpty()) {
            throw new IllegalArgumentException("a canary report needs at least one judgement");
        }
        Verdict verdict = seriesVerdict(judgements);
        Judgement last = judgements.get(judgements.size() - 1);
        String summary;
        int n = judgements.size();
        String over = n == 1 ? "" : " over " + n + " intervals";
        if (verdict == Verdict.FAIL) {
            int failed = 0;
            for (int i = 0; i < n; i++) {
                if (judgements.get(i).verdict() == Verdict.FAIL) {
                    failed = i;
                    break;
                }
            }
            Judgement first = judgements.get(failed);
            summary = "Fail" + over + ": " + (n == 1 ? "" : "interval " + (failed + 1) + " ") + "scored " + score(first)
                    + ", below marginal " + score(template.thresholds().marginal()) + "; " + first.reason();
        } else if (verdict == Verdict.INCONCLUSIVE) {
            summary = "Inconclusive" + over + ": " + (n == 1 ? "" : "last interval ") + "not judged; " + last.reason();
        } else if (verdict == Verdict.PASS) {
            summary = "Pass" + over + ": " + (n == 1 ? "" : "last interval ") + "scored " + score(last) + ", at or above "
                    + score(template.thresholds().pass());
        } else {
            summary = "Marginal" + over + ": " + (n == 1 ? "" : "last interval ") + "scored " + score(last)
                    + ", between marginal " + score(template.thresholds().marginal()) + " and pass "
                    + score(template.thresholds().pass()) + "; " + last.reason();
        }
        return new CanaryReport(template, judgements, verdict, summary);
    }

    private static String score(Judgement j) {
        return score(j.score());
    }

    private static String score(double s) {
        return s == Math.rint(s) ? Long.toString((long) s) : Double.toString(s);
    }

    /** Every judgement must reach Marginal (Inconclusive ones aside), and the last must reach Pass. */
    public static Verdict seriesVerdict(List<Judgement> judgements) {
        for (Judgement j : judgements) {
            if (j.verdict() == Verdict.FAIL) {
                return Verdict.FAIL;
            }
        }
        return switch (judgements.get(judgements.size() - 1).verdict()) {
            case PASS -> Verdict.PASS;
            case INCONCLUSIVE -> Verdict.INCONCLUSIVE;
            default -> Verdict.MARGINAL;
        };
    }

    /** This report with one more judgement. */
    public CanaryReport with(Judgement judgement) {
        List<Judgement> all = new ArrayList<>(judgements);
        all.add(judgement);
        return of(template, all);
    }

    /** This report with its last judgement replaced (to record a decision on it). */
    public CanaryReport withLast(Judgement judgement) {
        List<Judgement> all = new ArrayList<>(judgements);
        all.set(all.size() - 1, judgement);
        return of(template, all);
    }

    public Judgement last() {
        return judgements.get(judgements.size() - 1);
    }

    public String toJson() {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a canary report is plain data and always serialises", e);
        }
    }

    public static CanaryReport fromJson(String json) {
        try {
            return JSON.readValue(json, CanaryReport.class);
        } catch (JsonProcessingException e) {
            throw EngineException.badInput("not a canary report: " + e.getOriginalMessage());
        }
    }
}
