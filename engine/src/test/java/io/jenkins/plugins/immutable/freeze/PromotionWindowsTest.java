package io.jenkins.plugins.immutable.freeze;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import io.jenkins.plugins.immutable.EngineException;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.Test;

/** Windows as written in configuration, and when they open, across midnight, weekends and daylight saving time. */
public class PromotionWindowsTest {

    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

    /** Monday 2026-11-02, local time in Berlin. */
    private static Instant berlin(int day, int hour, int minute) {
        return ZonedDateTime.of(2026, 11, day, hour, minute, 0, 0, BERLIN).toInstant();
    }

    @Test
    public void parsesDaysRangesListsWholeNamesAndEveryDay() {
        Window w = Window.parse("Mon-Fri 09:00-17:00");
        assertEquals(EnumSet.range(DayOfWeek.MONDAY, DayOfWeek.FRIDAY), w.days());
        assertEquals(LocalTime.of(9, 0), w.start());
        assertEquals(Duration.ofHours(8), w.length());
        assertEquals(Set.of(DayOfWeek.SATURDAY, DayOfWeek.SUNDAY), Window.parse("sat,Sunday 10:00-12:00").days());
        assertEquals(Set.of(DayOfWeek.FRIDAY, DayOfWeek.SATURDAY, DayOfWeek.SUNDAY, DayOfWeek.MONDAY),
                Window.parse("Fri-Mon 9:30-10:00").days());
        assertEquals(EnumSet.allOf(DayOfWeek.class), Window.parse("09:00-17:00").days());
        assertEquals(Duration.ofDays(1), Window.parse("Sat 00:00-24:00").length());
        assertEquals(Duration.ofHours(4), Window.parse("Fri 22:00-02:00").length());
        assertEquals("Fri-Mon 09:30-10:00", Window.parse("Fri-Mon 9:30-10:00").text());
    }

    @Test
    public void badWindowsSayWhatToWrite() {
        for (String bad : List.of("weekdays", "Mon-Fri 9-17", "Mon-Fri 09:00", "Mo 09:00-17:00", "Mon 25:00-26:00",
                "Mon 09:00-24:30", "Mon 09:00-09:00", "Mon-Tue-Wed 09:00-10:00", "")) {
            EngineException e = assertThrows(bad, EngineException.class, () -> Window.parse(bad));
            assertEquals(EngineException.Kind.BAD_INPUT, e.kind());
            assertTrue(e.getMessage(), e.getMessage().contains("'") && e.getMessage().contains(bad.strip()));
        }
        assertTrue(assertThrows(EngineException.class, () -> Window.parse("Mon 09:00-09:00")).getMessage()
                .contains("for a whole day write 00:00-24:00"));
        assertTrue(assertThrows(EngineException.class, () -> PromotionWindows.parse("Mars/Olympus",
                List.of("09:00-17:00"), List.of())).getMessage().contains("not a time zone"));
    }

    @Test
    public void aWindowContainsItsStartNotItsEndAndRunsPastMidnightIntoTheNextDay() {
        Window office = Window.parse("Mon-Fri 09:00-17:00");
        assertTrue(office.contains(LocalDateTime.of(2026, 11, 2, 9, 0)));
        assertTrue(office.contains(LocalDateTime.of(2026, 11, 2, 16, 59, 59)));
        assertFalse(office.contains(LocalDateTime.of(2026, 11, 2, 17, 0)));
        assertFalse(office.contains(LocalDateTime.of(2026, 11, 7, 10, 0)));
        Window night = Window.parse("Fri 22:00-02:00");
        assertTrue(night.contains(LocalDateTime.of(2026, 11, 6, 23, 0)));
        assertTrue("Saturday 01:00 belongs to Friday's window", night.contains(LocalDateTime.of(2026, 11, 7, 1, 0)));
        assertFalse(night.contains(LocalDateTime.of(2026, 11, 7, 2, 0)));
        assertFalse("Friday 01:00 would belong to Thursday's", night.contains(LocalDateTime.of(2026, 11, 6, 1, 0)));
    }

    @Test
    public void closedOutsideTheAllowedWindowsAndSaysWhenTheyNextOpenInTheirZone() {
        PromotionWindows w = PromotionWindows.parse("Europe/Berlin", List.of("Mon-Fri 09:00-17:00"), List.of());
        WindowState monday = w.at(berlin(2, 10, 0));
        assertTrue(monday.why(), monday.open());
        assertEquals("inside the promotion window Mon-Fri 09:00-17:00 (Europe/Berlin)", monday.why());
        assertNull(monday.nextOpen());

        WindowState evening = w.at(berlin(2, 17, 30));
        assertFalse(evening.open());
        assertEquals("outside every promotion window (Mon-Fri 09:00-17:00, Europe/Berlin)", evening.why());
        assertEquals(berlin(3, 9, 0), evening.nextOpen());

        WindowState saturday = w.at(berlin(7, 12, 0).plusSeconds(17));
        assertEquals("the weekend waits for Monday", berlin(9, 9, 0), saturday.nextOpen());
    }

    @Test
    public void aDeniedWindowWinsOverAnAllowedOne() {
        PromotionWindows w = PromotionWindows.parse("Europe/Berlin", List.of("Mon-Fri 09:00-17:00"),
                List.of("Fri 12:00-24:00"));
        WindowState friday = w.at(berlin(6, 13, 0));
        assertFalse(friday.open());
        assertEquals("inside the denied window Fri 12:00-24:00 (Europe/Berlin)", friday.why());
        assertEquals(berlin(9, 9, 0), friday.nextOpen());
        assertTrue(w.at(berlin(6, 11, 59)).open());

        PromotionWindows denyOnly = PromotionWindows.parse(null, List.of(), List.of("Sat,Sun 00:00-24:00"));
        assertEquals(ZoneId.of("UTC"), denyOnly.zone());
        assertTrue(denyOnly.at(Instant.parse("2026-11-06T23:59:00Z")).open());
        WindowState weekend = denyOnly.at(Instant.parse("2026-11-07T08:00:00Z"));
        assertFalse(weekend.open());
        assertEquals(Instant.parse("2026-11-09T00:00:00Z"), weekend.nextOpen());
    }

    @Test
    public void localTimesFollowDaylightSavingTime() {
        // Berlin leaves summer time on Sunday 2026-10-25: 09:00 local is 07:00Z before and 08:00Z after.
        PromotionWindows w = PromotionWindows.parse("Europe/Berlin", List.of("09:00-10:00"), List.of());
        assertEquals(Instant.parse("2026-10-24T07:00:00Z"), w.at(Instant.parse("2026-10-24T06:00:00Z")).nextOpen());
        assertEquals(Instant.parse("2026-10-26T08:00:00Z"), w.at(Instant.parse("2026-10-26T07:30:00Z")).nextOpen());
        assertTrue(w.at(Instant.parse("2026-10-26T08:30:00Z")).open());
        assertFalse(w.at(Instant.parse("2026-10-24T08:30:00Z")).open());
    }

    @Test
    public void windowsThatNeverOpenSayNoNextOpening() {
        PromotionWindows w = PromotionWindows.parse("UTC", List.of("Mon 09:00-10:00"), List.of("Mon 00:00-24:00"));
        WindowState s = w.at(Instant.parse("2026-11-02T09:30:00Z"));
        assertFalse(s.open());
        assertNull(s.nextOpen());
    }
}
