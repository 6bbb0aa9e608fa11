package io.jenkins.plugins.immutable;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertSame;

import io.jenkins.plugins.immutable.testing.RecordingListener;
import io.jenkins.plugins.immutable.testing.RecordingListener.Event;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.Test;

public class ProgressMeterTest {

    private final RecordingListener listener = new RecordingListener();
    private final AtomicLong clock = new AtomicLong(1_000_000_000L);

    private ProgressMeter meter(long total) {
        return new ProgressMeter(listener, "push app", total, clock::get);
    }

    @Test
    public void aFastTransferReportsOncePerPercentWhateverItsBufferSize() {
        ProgressMeter meter = meter(10_000);
        for (int i = 0; i < 10_000; i++) {
            meter.advance(1); // the clock stands still: only the bytes count
        }
        meter.finish();
        assertEquals(100, listener.events.size());
        assertEquals(new Event("push app", 100, 10_000), listener.events.get(0));
        assertEquals(new Event("push app", 10_000, 10_000), listener.events.get(99));
    }

    @Test
    public void aSlowTransferReportsEveryHundredMilliseconds() {
        ProgressMeter meter = meter(1_000_000_000L);
        meter.advance(10);
        clock.addAndGet(ProgressMeter.EVERY_NANOS - 1);
        meter.advance(10);
        assertEquals("less than 1% and less than 100 ms: nothing yet", List.of(), listener.events);
        clock.addAndGet(1);
        meter.advance(10);
        assertEquals(List.of(new Event("push app", 30, 1_000_000_000L)), listener.events);
        meter.advance(10);
        assertEquals(1, listener.events.size());
    }

    @Test
    public void finishReportsTheTotalOnce() {
        ProgressMeter meter = meter(100);
        meter.advance(50);
        meter.advance(50);
        meter.finish();
        meter.finish();
        assertEquals(List.of(new Event("push app", 50, 100), new Event("push app", 100, 100)), listener.events);

        RecordingListener small = new RecordingListener();
        ProgressMeter quick = new ProgressMeter(small, "config", 1_000_000, clock::get);
        quick.advance(10);
        quick.finish();
        assertEquals("a transfer too short for a report still ends with one",
                List.of(new Event("config", 1_000_000, 1_000_000)), small.events);
    }

    @Test
    public void anUnknownTotalIsReportedByTimeAndFinishesWithWhatWasCounted() {
        ProgressMeter meter = meter(-1);
        meter.advance(1 << 20);
        clock.addAndGet(ProgressMeter.EVERY_NANOS);
        meter.advance(1);
        meter.finish();
        assertEquals(List.of(new Event("push app", (1 << 20) + 1, -1), new Event("push app", (1 << 20) + 1,
                (1 << 20) + 1)), listener.events);
    }

    @Test
    public void aStreamOpenedAgainForARetryCountsFromZero() throws IOException {
        ProgressMeter meter = meter(1000);
        try (InputStream in = meter.counting(new ByteArrayInputStream(new byte[1000]))) {
            in.readNBytes(600);
        }
        assertEquals(600, meter.done());
        try (InputStream in = meter.counting(new ByteArrayInputStream(new byte[1000]))) {
            in.read();
            in.readAllBytes();
        }
        meter.finish();
        List<Event> events = listener.events;
        assertEquals(new Event("push app", 0, 1000), events.stream().filter(e -> e.done() == 0).findFirst()
                .orElseThrow(() -> new AssertionError("no restart at 0: " + events)));
        assertEquals(new Event("push app", 1000, 1000), events.get(events.size() - 1));
        assertEquals(1000, meter.done());
    }

    @Test
    public void nobodyWatchingCostsNothing() {
        assertSame(ProgressMeter.NONE, ProgressMeter.of(ProgressListener.NONE, "push app", 10));
        InputStream in = new ByteArrayInputStream(new byte[1]);
        assertSame(in, ProgressMeter.NONE.counting(in));
        ProgressMeter.NONE.advance(5);
        assertEquals(0, ProgressMeter.NONE.done());
    }
}
