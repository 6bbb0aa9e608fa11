package io.jenkins.plugins.immutable;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.Test;

public class SideBySideTest {

    @Test
    public void tasksRunAtOnceAndTheirResultsComeInTheItemsOrder() {
        CountDownLatch all = new CountDownLatch(4);
        List<String> results = SideBySide.map(List.of("a", "b", "c", "d"), 8, "testing", item -> {
            all.countDown();
            try {
                // one after the other, the first would wait here for the others forever
                assertTrue("the tasks did not run side by side", all.await(20, TimeUnit.SECONDS));
                Thread.sleep("abcd".indexOf(item) == 0 ? 200 : 0);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            return item.toUpperCase();
        });
        assertEquals(List.of("A", "B", "C", "D"), results);
    }

    @Test
    public void theFirstItemsFailureIsThrownAfterEveryTaskEnded() {
        EngineException second = EngineException.integrity("b is broken");
        EngineException fourth = EngineException.badInput("d is wrong");
        AtomicInteger ended = new AtomicInteger();
        EngineException thrown = assertThrows(EngineException.class, () -> SideBySide.map(List.of("a", "b", "c", "d"),
                2, "testing", item -> {
                    try {
                        Thread.sleep(item.equals("b") ? 300 : 0);
                        if (item.equals("b")) {
                            throw second;
                        }
                        if (item.equals("d")) {
                            throw fourth;
                        }
                        return item;
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    } finally {
                        ended.incrementAndGet();
                    }
                }));
        assertSame(second, thrown);
        assertEquals(4, ended.get());
    }

    @Test
    public void oneItemRunsOnTheCallingThread() {
        Thread caller = Thread.currentThread();
        assertEquals(List.of(true), SideBySide.map(List.of("a"), 8, "testing", item -> Thread.currentThread() == caller));
        assertEquals(List.of(), SideBySide.map(List.<String>of(), 8, "testing", item -> item));
    }
}
