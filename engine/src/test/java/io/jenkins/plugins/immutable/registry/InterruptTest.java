package io.jenkins.plugins.immutable.registry;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.ProgressMeter;
import io.jenkins.plugins.immutable.image.Descriptor;
import io.jenkins.plugins.immutable.image.MediaTypes;
import io.jenkins.plugins.immutable.image.Repository;
import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.After;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.Timeout;

/**
 * An interrupt (a Jenkins build aborted, a CLI stopped) ends what the client is doing at once, wherever it waits: for
 * an answer, between retries, or for an error's body. The thread keeps its interrupt flag, so whoever called the
 * client sees it too, and nothing is announced as tried again. The servers are {@link RawServer}s that answer as the
 * test needs; the waits they cause (a retry backoff of 10 s, a silent server) are far longer than the test allows.
 */
public class InterruptTest {

    @Rule
    public final Timeout limit = Timeout.seconds(30);

    private final List<RawServer> servers = new ArrayList<>();
    private final List<String> lines = new CopyOnWriteArrayList<>();

    @After
    public void stop() {
        servers.forEach(RawServer::close);
    }

    private RawServer raw(RawServer.Conversation c) throws Exception {
        RawServer s = new RawServer(c);
        servers.add(s);
        return s;
    }

    /** What a client call ended with, on the thread that ran it. */
    private static final class Outcome {
        volatile EngineException error;
        volatile boolean interruptedAfter;
        volatile boolean returned;
    }

    /**
     * Runs {@code call} on its own thread, interrupts that thread once {@code server} has received {@code requests}
     * requests (and a moment more, so the client is waiting again), and returns how the call ended.
     */
    private static Outcome interruptAfter(RawServer server, int requests, Consumer<Outcome> call) throws Exception {
        Outcome outcome = new Outcome();
        Thread t = new Thread(() -> {
            try {
                call.accept(outcome);
                outcome.returned = true;
            } catch (EngineException e) {
                outcome.error = e;
            }
            outcome.interruptedAfter = Thread.currentThread().isInterrupted();
        }, "interrupted-client");
        t.start();
        while (server.requests.size() < requests) {
            Thread.sleep(10);
        }
        Thread.sleep(300);
        t.interrupt();
        t.join(5_000);
        assertFalse("the call ended within 5 s of the interrupt", t.isAlive());
        return outcome;
    }

    @Test
    public void anInterruptDuringTheBackoffBeforeARetryEndsTheRequestAndKeepsTheFlag() throws Exception {
        RawServer unavailable = raw((request, in, out) -> {
            RawServer.head(out, 503, "Content-Length: 0");
            return true;
        });
        RegistryClient client = RegistryClient.builder().retries(5, Duration.ofSeconds(10)).listener(lines::add)
                .build();
        Outcome o = interruptAfter(unavailable, 1, outcome -> client.getManifest(
                new Repository(unavailable.address(), "team/app").tag("v1")));
        assertNotNull("the call failed", o.error);
        assertEquals(EngineException.Kind.OUTAGE, o.error.kind());
        assertEquals("interrupted while waiting to retry", o.error.getMessage());
        assertTrue("the thread is still interrupted", o.interruptedAfter);
        assertEquals("no request after the interrupt", 1, unavailable.requests.size());
    }

    @Test
    public void anInterruptedStreamedPushIsNotSentAgain() throws Exception {
        RawServer silentOnPut = raw((request, in, out) -> {
            switch (request.method()) {
                case "HEAD" -> RawServer.head(out, 404, "Content-Length: 0");
                case "POST" -> RawServer.head(out, 202, "Location: /upload/1", "Content-Length: 0");
                default -> {
                    RawServer.skip(in, request.contentLength());
                    return false; // takes the blob and says nothing
                }
            }
            return true;
        });
        RegistryClient client = RegistryClient.builder().retries(5, Duration.ofMillis(10)).listener(lines::add)
                .build();
        byte[] bytes = RegistryClientTest.random(2000, 901);
        Descriptor blob = Descriptor.of(MediaTypes.OCTET_STREAM, bytes);
        AtomicInteger opened = new AtomicInteger();
        Repository repo = new Repository(silentOnPut.address(), "team/app");
        Outcome o = interruptAfter(silentOnPut, 3, outcome -> client.pushBlob(repo, blob, () -> {
            opened.incrementAndGet();
            return new ByteArrayInputStream(bytes);
        }));
        assertNotNull("the call failed", o.error);
        assertEquals(EngineException.Kind.OUTAGE, o.error.kind());
        assertEquals("interrupted while trying to push blob " + blob.digest().shortForm() + " to " + repo,
                o.error.getMessage());
        assertTrue("the thread is still interrupted", o.interruptedAfter);
        assertEquals("the source was opened once", 1, opened.get());
        assertTrue("nothing announced as sent again: " + lines, lines.stream().noneMatch(l -> l.contains("again")));
        assertEquals(3, silentOnPut.requests.size());
    }

    @Test
    public void anInterruptWhileReadingAnErrorDuringACopyAcrossRegistriesKeepsTheFlag() throws Exception {
        // The target opens an upload; the source answers the blob's GET with an error whose body never comes.
        RawServer registry = raw((request, in, out) -> {
            if (request.method().equals("POST")) {
                RawServer.head(out, 202, "Location: /upload/1", "Content-Length: 0");
                return true;
            }
            RawServer.head(out, 404, "Content-Type: application/json", "Content-Length: 100");
            return false;
        });
        RegistryClient client = RegistryClient.builder().retries(5, Duration.ofMillis(10)).listener(lines::add)
                .build();
        byte[] bytes = RegistryClientTest.random(2000, 902);
        Descriptor blob = Descriptor.of(MediaTypes.OCTET_STREAM, bytes);
        Outcome o = interruptAfter(registry, 2, outcome -> client.copyBlobAcross(
                new Repository(registry.address(), "team/source"), new Repository(registry.address(), "team/target"),
                blob, ProgressMeter.NONE));
        assertNotNull("the call failed", o.error);
        assertTrue("the thread is still interrupted", o.interruptedAfter);
        assertTrue("nothing announced as started again: " + lines,
                lines.stream().noneMatch(l -> l.contains("again")));
        assertEquals(2, registry.requests.size());
    }
}
