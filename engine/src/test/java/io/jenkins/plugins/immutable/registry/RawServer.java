package io.jenkins.plugins.immutable.registry;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A server on 127.0.0.1 that speaks HTTP/1.1 by hand, byte by byte, for what a well-behaved server library will not
 * do: stay silent after accepting a request, trickle an answer, stop in the middle of one, or read an upload slowly.
 * Each connection runs {@link Conversation#talk} once per request on its own thread; {@link #close} ends them all.
 */
final class RawServer implements AutoCloseable {

    /** One request's head as it arrived: its request line and headers. */
    record Request(String line, String head) {
        String method() {
            return line.split(" ")[0];
        }

        String target() {
            return line.split(" ")[1];
        }

        long contentLength() {
            for (String h : head.split("\r\n")) {
                if (h.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                    return Long.parseLong(h.substring(h.indexOf(':') + 1).strip());
                }
            }
            return 0;
        }
    }

    interface Conversation {
        /** Answers one request (its body still unread in {@code in}); returns false to stop reading requests. */
        boolean talk(Request request, InputStream in, OutputStream out) throws Exception;
    }

    private final ServerSocket server;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final List<Thread> threads = new CopyOnWriteArrayList<>();
    final List<Request> requests = new CopyOnWriteArrayList<>();

    RawServer(Conversation conversation) throws IOException {
        this(conversation, 0);
    }

    /**
     * @param receiveBuffer the sockets' receive buffer in bytes, 0 for the system's: small, it keeps an upload from
     *                      vanishing into loopback's megabytes of buffers, so the client sees the server's pace
     */
    RawServer(Conversation conversation, int receiveBuffer) throws IOException {
        server = new ServerSocket();
        if (receiveBuffer > 0) {
            server.setReceiveBufferSize(receiveBuffer);
        }
        server.bind(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        start(() -> {
            while (!server.isClosed()) {
                Socket s;
                try {
                    s = server.accept();
                } catch (IOException closed) {
                    return;
                }
                sockets.add(s);
                start(() -> {
                    try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
                        for (Request r = readHead(in); r != null; r = readHead(in)) {
                            requests.add(r);
                            if (!conversation.talk(r, in, out)) {
                                Thread.sleep(Long.MAX_VALUE); // keep the connection open, say nothing more
                            }
                        }
                    } catch (Exception ended) {
                        // the client hung up, or the test is over
                    }
                });
            }
        });
    }

    private void start(Runnable r) {
        Thread t = new Thread(r, "raw-server");
        t.setDaemon(true);
        threads.add(t);
        t.start();
    }

    private static Request readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int last = 0;
        while (last != 0x0D0A0D0A) { // the blank line after the headers
            int b = in.read();
            if (b < 0) {
                return null;
            }
            head.write(b);
            last = last << 8 | b;
        }
        String text = head.toString(StandardCharsets.ISO_8859_1);
        return new Request(text.substring(0, text.indexOf("\r\n")), text);
    }

    /** Reads and drops a request's body of {@code length} bytes. */
    static void skip(InputStream in, long length) throws IOException {
        in.skipNBytes(length);
    }

    /** A status line and headers; the body is the caller's to write. */
    static void head(OutputStream out, int status, String... headers) throws IOException {
        StringBuilder s = new StringBuilder("HTTP/1.1 " + status + " X\r\n");
        for (String h : headers) {
            s.append(h).append("\r\n");
        }
        out.write(s.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    /** Writes {@code bytes} {@code chunk} at a time, waiting {@code pauseMillis} before each chunk. */
    static void trickle(OutputStream out, byte[] bytes, int chunk, long pauseMillis) throws Exception {
        for (int i = 0; i < bytes.length; i += chunk) {
            Thread.sleep(pauseMillis);
            out.write(bytes, i, Math.min(chunk, bytes.length - i));
            out.flush();
        }
    }

    String address() {
        return "127.0.0.1:" + server.getLocalPort();
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException ignored) {
            // closing
        }
        for (Socket s : sockets) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing
            }
        }
        threads.forEach(Thread::interrupt);
    }
}
