package io.jenkins.plugins.immutable.freeze;

import io.jenkins.plugins.immutable.EngineException;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * When promotions into an environment are allowed: weekly {@link Window windows} in a time zone (the local times of
 * the people who answer for it, daylight saving time included). A moment is open when it lies in one of the
 * {@code allow} windows (or there are none) and in none of the {@code deny} windows; deny wins.
 *
 * @param zone  the time zone the windows' times are in
 * @param allow promotions only inside these; empty = at any time not denied
 * @param deny  never inside these
 */
public record PromotionWindows(ZoneId zone, List<Window> allow, List<Window> deny) {

    /** How far ahead the next opening is looked for: two weeks covers every weekly window. */
    static final Duration HORIZON = Duration.ofDays(14);

    public PromotionWindows {
        Objects.requireNonNull(zone, "zone");
        allow = List.copyOf(allow);
        deny = List.copyOf(deny);
        if (allow.isEmpty() && deny.isEmpty()) {
            throw EngineException.badInput("promotion windows need at least one allow or deny window");
        }
    }

    /**
     * Parses windows as configured: a zone id ({@code Europe/Berlin}, {@code UTC}; null means UTC) and window texts
     * ({@link Window#parse}). BAD_INPUT names the bad one.
     */
    public static PromotionWindows parse(String zone, List<String> allow, List<String> deny) {
        ZoneId id;
        try {
            id = zone == null || zone.isBlank() ? ZoneId.of("UTC") : ZoneId.of(zone.strip());
        } catch (DateTimeException e) {
            throw EngineException.badInput("'" + zone + "' is not a time zone; use a region id such as"
                    + " Europe/Berlin, America/New_York or UTC");
        }
        return new PromotionWindows(id, windows(allow), windows(deny));
    }

    private static List<Window> windows(List<String> texts) {
        return texts == null ? List.of() : texts.stream().map(Window::parse).toList();
    }

    /** Whether promotions are allowed at {@code now}, why, and when closed, when they next are. */
    public WindowState at(Instant now) {
        LocalDateTime local = LocalDateTime.ofInstant(now, zone);
        Optional<Window> denied = deny.stream().filter(w -> w.contains(local)).findFirst();
        Optional<Window> allowed = allow.stream().filter(w -> w.contains(local)).findFirst();
        if (denied.isEmpty() && (allow.isEmpty() || allowed.isPresent())) {
            return new WindowState(true, allowed.map(w -> "inside the promotion window " + w + " (" + zone + ")")
                    .orElse("outside every denied window (" + names(deny) + ", " + zone + ")"), null);
        }
        String why = denied.map(w -> "inside the denied window " + w + " (" + zone + ")")
                .orElse("outside every promotion window (" + names(allow) + ", " + zone + ")");
        return new WindowState(false, why, nextOpen(now));
    }

    /** The first whole minute after {@code now} that is open (windows start and end on whole minutes). */
    private Instant nextOpen(Instant now) {
        Instant t = now.truncatedTo(ChronoUnit.MINUTES).plus(Duration.ofMinutes(1));
        Instant end = now.plus(HORIZON);
        for (; t.isBefore(end); t = t.plus(Duration.ofMinutes(1))) {
            LocalDateTime local = LocalDateTime.ofInstant(t, zone);
            if (deny.stream().noneMatch(w -> w.contains(local))
                    && (allow.isEmpty() || allow.stream().anyMatch(w -> w.contains(local)))) {
                return t;
            }
        }
        return null;
    }

    private static String names(List<Window> windows) {
        return windows.stream().map(Window::toString).collect(Collectors.joining(", "));
    }

    /** {@code allow Mon-Fri 09:00-17:00; deny Fri 16:00-24:00 (Europe/Berlin)}. */
    @Override
    public String toString() {
        List<String> parts = new ArrayList<>();
        if (!allow.isEmpty()) {
            parts.add("allow " + names(allow));
        }
        if (!deny.isEmpty()) {
            parts.add("deny " + names(deny));
        }
        return String.join("; ", parts) + " (" + zone + ")";
    }
}
