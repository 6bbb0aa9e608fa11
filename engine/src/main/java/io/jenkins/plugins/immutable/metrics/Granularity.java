package io.jenkins.plugins.immutable.metrics;

import io.jenkins.plugins.immutable.EngineException;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The buckets of a time series: UTC days, or ISO weeks (Monday 00:00 UTC to the next Monday). */
public enum Granularity {
    DAY, WEEK;

    /** Start of the bucket holding {@code t}. */
    public Instant floor(Instant t) {
        Instant day = t.truncatedTo(ChronoUnit.DAYS);
        if (this == DAY) {
            return day;
        }
        return day.atZone(ZoneOffset.UTC).with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY)).toInstant();
    }

    public Instant next(Instant bucketStart) {
        return bucketStart.plus(this == DAY ? 1 : 7, ChronoUnit.DAYS);
    }

    /** The buckets covering the window, each cut to it: the first and last may be partial. */
    public List<Window> buckets(Window window) {
        List<Window> result = new ArrayList<>();
        for (Instant start = floor(window.from()); start.isBefore(window.to()); start = next(start)) {
            Instant from = start.isBefore(window.from()) ? window.from() : start;
            Instant end = next(start);
            result.add(new Window(from, end.isAfter(window.to()) ? window.to() : end));
        }
        return result;
    }

    /** Days for windows up to 62 days, weeks beyond: a readable number of points either way. */
    public static Granularity suitedTo(Window window) {
        return window.days() <= 62 ? DAY : WEEK;
    }

    public static Granularity parse(String text) {
        for (Granularity g : values()) {
            if (g.name().equalsIgnoreCase(text == null ? "" : text.strip())) {
                return g;
            }
        }
        throw EngineException.badInput("unknown granularity '" + text + "': use day or week");
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
