package io.jenkins.plugins.immutable.freeze;

import io.jenkins.plugins.immutable.EngineException;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A weekly stretch of local time, as people write it: {@code Mon-Fri 09:00-17:00}, {@code Sat,Sun 10:00-12:00},
 * {@code Fri 22:00-02:00} (from Friday 22:00 to Saturday 02:00: a window that ends at or before its start runs past
 * midnight and belongs to the day it starts on), {@code 00:00-24:00}, or without days for every day
 * ({@code 09:00-17:00}). Days are English, three letters or in full, case-insensitive; ranges wrap ({@code Fri-Mon}).
 *
 * @param days   the days it starts on
 * @param start  its local start time
 * @param length how long it lasts, more than zero and at most 24 hours
 * @param text   as written, normalised ({@code Mon-Fri 09:00-17:00})
 */
public record Window(Set<DayOfWeek> days, LocalTime start, Duration length, String text) {

    private static final Pattern FORM = Pattern.compile("(?:(\\S+)\\s+)?(\\d{1,2}):(\\d{2})\\s*-\\s*(\\d{1,2}):(\\d{2})");

    public Window {
        days = Set.copyOf(days);
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(length, "length");
        Objects.requireNonNull(text, "text");
        if (days.isEmpty() || length.isNegative() || length.isZero() || length.compareTo(Duration.ofDays(1)) > 0) {
            throw new IllegalArgumentException("a window needs days and a length of more than 0 and at most 24h");
        }
    }

    /** Parses {@code [DAYS ]HH:MM-HH:MM}; BAD_INPUT saying what to write otherwise. */
    public static Window parse(String text) {
        String t = text == null ? "" : text.strip();
        Matcher m = FORM.matcher(t);
        if (!m.matches()) {
            throw EngineException.badInput("'" + t + "' is not a window; write days and local times, e.g."
                    + " 'Mon-Fri 09:00-17:00', 'Sat,Sun 10:00-12:00', 'Fri 22:00-02:00' or '09:00-17:00' (every day)");
        }
        Set<DayOfWeek> days = m.group(1) == null ? EnumSet.allOf(DayOfWeek.class) : days(m.group(1), t);
        int sh = Integer.parseInt(m.group(2));
        int sm = Integer.parseInt(m.group(3));
        int eh = Integer.parseInt(m.group(4));
        int em = Integer.parseInt(m.group(5));
        if (sh > 23 || sm > 59 || em > 59 || eh > 24 || eh == 24 && em != 0) {
            throw EngineException.badInput("window '" + t + "' has a time that is not on the clock: start at 00:00 to"
                    + " 23:59, end at 00:00 to 24:00");
        }
        int startMinute = sh * 60 + sm;
        int endMinute = eh * 60 + em;
        if (startMinute == endMinute) {
            throw EngineException.badInput("window '" + t + "' starts and ends at the same time, so it is never open;"
                    + " for a whole day write 00:00-24:00");
        }
        int length = endMinute > startMinute ? endMinute - startMinute : endMinute + 24 * 60 - startMinute;
        String normalised = (m.group(1) == null ? "" : m.group(1) + " ")
                + String.format(Locale.ROOT, "%02d:%02d-%02d:%02d", sh, sm, eh, em);
        return new Window(days, LocalTime.of(sh, sm), Duration.ofMinutes(length), normalised);
    }

    /** True when the local time {@code t} lies in this window (start included, end excluded). */
    public boolean contains(LocalDateTime t) {
        for (int back = 0; back <= 1; back++) {
            LocalDateTime startDay = t.toLocalDate().minusDays(back).atTime(start);
            if (days.contains(startDay.getDayOfWeek()) && !t.isBefore(startDay)
                    && t.isBefore(startDay.plus(length))) {
                return true;
            }
        }
        return false;
    }

    private static Set<DayOfWeek> days(String list, String text) {
        Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
        for (String item : list.split(",")) {
            String[] range = item.split("-", -1);
            if (range.length == 1) {
                days.add(day(range[0], text));
            } else if (range.length == 2) {
                DayOfWeek from = day(range[0], text);
                DayOfWeek to = day(range[1], text);
                for (DayOfWeek d = from; ; d = d.plus(1)) {
                    days.add(d);
                    if (d == to) {
                        break;
                    }
                }
            } else {
                throw EngineException.badInput("window '" + text + "' has the day range '" + item + "'; write it"
                        + " as Mon-Fri");
            }
        }
        return days;
    }

    private static DayOfWeek day(String name, String text) {
        String n = name.strip().toUpperCase(Locale.ROOT);
        for (DayOfWeek d : DayOfWeek.values()) {
            if (n.length() >= 3 && d.name().startsWith(n) && (n.length() == 3 || n.equals(d.name()))) {
                return d;
            }
        }
        throw EngineException.badInput("window '" + text + "' names the day '" + name + "'; days are Mon, Tue, Wed,"
                + " Thu, Fri, Sat, Sun (or in full)");
    }

    @Override
    public String toString() {
        return text;
    }
}
