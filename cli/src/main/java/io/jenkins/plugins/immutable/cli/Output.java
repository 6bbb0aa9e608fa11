package io.jenkins.plugins.immutable.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jenkins.plugins.immutable.ProgressListener;
import io.jenkins.plugins.immutable.ledger.Observed;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Where a command's output goes. The result goes to standard output, once, at the end: a human summary, or with
 * {@code --json} one JSON document a machine can read. What happens on the way goes to standard error: plain lines,
 * and on a terminal progress bars for uploads and scans that redraw in place (one status line, below the log).
 */
final class Output implements ProgressListener, AutoCloseable {

    /** How progress is shown. */
    enum ProgressMode {
        /** Bars on a terminal, plain lines otherwise. */
        auto,
        /** Bars that redraw in place. */
        bars,
        /** A line now and then for a long task, and one when it finishes. */
        plain,
        /** No progress at all; the log lines stay. */
        none
    }

    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private static final long REDRAW_NANOS = 100_000_000L;
    private static final long PLAIN_EVERY_NANOS = 5_000_000_000L;
    private static final int BAR_WIDTH = 24;

    private final PrintWriter out;
    private final PrintWriter err;
    private final boolean json;
    private final ProgressMode mode;
    private final Map<String, long[]> tasks = new LinkedHashMap<>();
    private final Map<String, long[]> lastPlain = new LinkedHashMap<>();
    private String statusLine = "";
    private long lastDraw;

    Output(PrintWriter out, PrintWriter err, boolean json, ProgressMode mode, boolean terminal) {
        this.out = out;
        this.err = err;
        this.json = json;
        this.mode = mode == ProgressMode.auto ? (terminal ? ProgressMode.bars : ProgressMode.plain) : mode;
    }

    boolean json() {
        return json;
    }

    ProgressMode mode() {
        return mode;
    }

    // ------------------------------------------------------------------------------------------- progress (stderr)

    @Override
    public synchronized void line(String line) {
        clearStatus();
        err.println(line);
        err.flush();
        drawStatus();
    }

    @Override
    public synchronized void progress(String task, long done, long total) {
        switch (mode) {
            case bars -> bars(task, done, total);
            case plain -> plain(task, done, total);
            default -> { }
        }
    }

    private void bars(String task, long done, long total) {
        boolean finished = total >= 0 && done >= total;
        if (finished) {
            tasks.remove(task);
        } else {
            tasks.put(task, new long[] {done, total});
        }
        long now = System.nanoTime();
        if (finished || now - lastDraw >= REDRAW_NANOS) {
            lastDraw = now;
            clearStatus();
            drawStatus();
        }
    }

    private void plain(String task, long done, long total) {
        long now = System.nanoTime();
        boolean finished = total >= 0 && done >= total;
        long[] seen = lastPlain.get(task); // {when last reported (or first seen), reported at all (1) or not (0)}
        if (finished) {
            lastPlain.remove(task);
            if (seen != null && seen[1] == 1) {
                // only a task long enough to have been reported gets a closing line
                line(task + ": " + bytes(done) + " done");
            }
        } else if (seen == null) {
            lastPlain.put(task, new long[] {now, 0});
        } else if (now - seen[0] >= PLAIN_EVERY_NANOS) {
            lastPlain.put(task, new long[] {now, 1});
            line(task + ": " + describe(done, total));
        }
    }

    private void drawStatus() {
        if (tasks.isEmpty()) {
            statusLine = "";
            return;
        }
        StringBuilder s = new StringBuilder();
        for (Map.Entry<String, long[]> t : tasks.entrySet()) {
            if (s.length() > 0) {
                s.append("  ");
            }
            long done = t.getValue()[0];
            long total = t.getValue()[1];
            s.append(t.getKey()).append(' ');
            if (total > 0) {
                int filled = (int) Math.min(BAR_WIDTH, done * BAR_WIDTH / total);
                s.append('[').append("#".repeat(filled)).append(" ".repeat(BAR_WIDTH - filled)).append("] ");
            }
            s.append(describe(done, total));
        }
        statusLine = s.length() > 160 ? s.substring(0, 157) + "..." : s.toString();
        err.print(statusLine);
        err.flush();
    }

    private void clearStatus() {
        if (!statusLine.isEmpty()) {
            err.print("\r" + " ".repeat(statusLine.length()) + "\r");
            statusLine = "";
        }
    }

    private static String describe(long done, long total) {
        return total > 0 ? (done * 100 / total) + "% (" + bytes(done) + " of " + bytes(total) + ")" : bytes(done);
    }

    static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        if (n < 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f KiB", n / 1024.0);
        }
        if (n < 1024L * 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f MiB", n / (1024.0 * 1024));
        }
        return String.format(Locale.ROOT, "%.2f GiB", n / (1024.0 * 1024 * 1024));
    }

    // ---------------------------------------------------------------------------------------------- result (stdout)

    /** The command's result: {@code json} with --json, else {@code human} (nothing when it is empty). */
    synchronized void result(JsonNode document, String human) {
        clearStatus();
        if (json) {
            out.println(write(document));
        } else if (human != null && !human.isEmpty()) {
            out.println(human.stripTrailing());
        }
        out.flush();
    }

    /** A result printed exactly as given, whatever --json says: a format of its own (OpenMetrics, a JSON file). */
    synchronized void raw(String text) {
        clearStatus();
        out.print(text);
        out.flush();
    }

    static ObjectNode object() {
        return JSON.createObjectNode();
    }

    /** {@code {"result": "recorded", "entry": 7, "message": "..."}}: what became of a finding in the ledger. */
    static ObjectNode observed(Observed o) {
        ObjectNode n = object();
        n.put("result", o.result().name().toLowerCase(Locale.ROOT));
        if (o.entry() != null) {
            n.put("entry", o.entry().sequence());
        }
        n.put("message", o.message());
        return n;
    }

    static String write(JsonNode node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serialises", e);
        }
    }

    /** Reads a JSON document the engine wrote (a report, a statement) into a tree, to embed it in a result. */
    static JsonNode tree(String json) {
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the engine wrote JSON that does not parse", e);
        }
    }

    @Override
    public synchronized void close() {
        clearStatus();
        err.flush();
        out.flush();
    }

    static void errorLine(PrintWriter err, String message) {
        err.println("immutable: " + message);
        err.flush();
    }

    static void printJsonError(PrintWriter out, String kind, int exitCode, String message) {
        ObjectNode doc = object();
        ObjectNode error = doc.putObject("error");
        error.put("kind", kind);
        error.put("exitCode", exitCode);
        error.put("message", message);
        out.println(write(doc));
        out.flush();
    }
}
