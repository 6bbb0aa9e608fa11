package io.jenkins.plugins.immutable.registry;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.jenkins.plugins.immutable.EngineException;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Reading and dropping the bodies of a registry's answers, as streams or as the HTTP client's flow of buffers. */
final class Responses {

    static final ObjectMapper JSON = new ObjectMapper();
    /** As much of an error's body as is read: a registry's error is a line or two of JSON. */
    static final int MAX_ERROR_BYTES = 64 * 1024;

    private Responses() {
    }

    /** Drops what is left of a body, up to 64 KiB (the connection is then reused), and closes it. */
    static void discard(HttpResponse<InputStream> response) {
        try (InputStream in = response.body()) {
            in.readNBytes(MAX_ERROR_BYTES);
        } catch (IOException | RuntimeException ignored) {
            // the connection is dropped instead of reused; nothing is lost
        }
    }

    /** Reads a small response body (an error, a tag list, a manifest) up to the limit, and closes it. */
    static byte[] readSmall(HttpResponse<InputStream> response, int limit, String what) {
        try (InputStream in = response.body()) {
            byte[] bytes = in.readNBytes(limit + 1);
            if (bytes.length > limit) {
                throw EngineException.badInput("the registry's answer to " + what + " is larger than " + limit
                        + " bytes; that is not what a registry sends here");
            }
            return bytes;
        } catch (IOException e) {
            throw EngineException.outage("reading the registry's answer to " + what + " failed: " + e.getMessage(), e);
        }
    }

    static void discardPublisher(HttpResponse<Flow.Publisher<List<ByteBuffer>>> r) {
        HttpResponse.BodySubscriber<Void> sink = HttpResponse.BodySubscribers.discarding();
        r.body().subscribe(sink);
    }

    /** Reads an error body from a flow of buffers, up to 64 KiB, waiting 30 s at most; empty when it does not come. */
    static byte[] readPublisher(HttpResponse<Flow.Publisher<List<ByteBuffer>>> r) {
        HttpResponse.BodySubscriber<byte[]> bytes = HttpResponse.BodySubscribers.ofByteArray();
        r.body().subscribe(bytes);
        try {
            byte[] all = bytes.getBody().toCompletableFuture().get(30, TimeUnit.SECONDS);
            return all.length > MAX_ERROR_BYTES ? Arrays.copyOf(all, MAX_ERROR_BYTES) : all;
        } catch (InterruptedException e) {
            // The status says what went wrong; whoever interrupted the thread still has to see that it was.
            Thread.currentThread().interrupt();
            return new byte[0];
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            return new byte[0];
        }
    }
}
