package io.jenkins.plugins.immutable.testing;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import io.jenkins.plugins.immutable.ProgressListener;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

/** A listener that keeps every line and progress event, from any thread, for a test to look at afterwards. */
public final class RecordingListener implements ProgressListener {

    /** One {@code progress(task, done, total)} call. */
    public record Event(String task, long done, long total) {
    }

    public final List<String> lines = new CopyOnWriteArrayList<>();
    public final List<Event> events = new CopyOnWriteArrayList<>();

    @Override
    public void line(String line) {
        lines.add(line);
    }

    @Override
    public void progress(String task, long done, long total) {
        events.add(new Event(task, done, total));
    }

    /** The events of each task, in the order they came. */
    public Map<String, List<Event>> byTask() {
        return events.stream().collect(Collectors.groupingBy(Event::task, java.util.LinkedHashMap::new,
                Collectors.toCollection(ArrayList::new)));
    }

    /**
     * Asserts the events of one task are those of a throttled transfer of {@code total} bytes: never beyond the
     * total, never going back, at most one per whole 1% of the total plus those that 100 ms passing allow
     * ({@code elapsedMillis} of them at most), and ending with the total done.
     */
    public static void assertTransfer(String task, List<Event> events, long total, long elapsedMillis) {
        assertFalse(task + " reported nothing", events.isEmpty());
        long last = -1;
        for (Event e : events) {
            assertEquals(task + ": " + e, total, e.total());
            assertTrue(task + " went back or beyond its total: " + events, e.done() >= last && e.done() <= total);
            last = e.done();
        }
        assertEquals(task + " ends with its total done: " + events, total, last);
        long bound = 100 + elapsedMillis / 100 + 2;
        assertTrue(task + " flooded its listener: " + events.size() + " events for " + total + " bytes in "
                + elapsedMillis + " ms", events.size() <= bound);
    }
}
