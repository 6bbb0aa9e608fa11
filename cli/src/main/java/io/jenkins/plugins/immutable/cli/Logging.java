package io.jenkins.plugins.immutable.cli;

import java.io.PrintWriter;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * The engine's java.util.logging log on the command line. By default it is off: the progress lines already say what
 * happens, and JUL's console handler would repeat them as two-line records. {@code --verbose} shows it from FINE up
 * (every registry and Prometheus request, retries, deployment transitions, judgements, gates) on standard error, one
 * line each; a logging configuration of the user's own ({@code -Djava.util.logging.config.file}) is left alone.
 */
final class Logging {

    /** The parent of every engine logger. */
    static final String ENGINE = "io.jenkins.plugins.immutable";
    /** Held, so that the level set on it is not lost with a collected logger. */
    private static final Logger ENGINE_LOGGER = Logger.getLogger(ENGINE);
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");

    private Logging() {
    }

    /** What a run of the command starts with: the engine's log off, unless a logging configuration is given. */
    static void quietUnlessConfigured() {
        if (System.getProperty("java.util.logging.config.file") == null
                && System.getProperty("java.util.logging.config.class") == null) {
            ENGINE_LOGGER.setLevel(Level.OFF);
        }
    }

    /** Shows the engine's log from FINE up on {@code err} until {@link #stop} is given what this returns. */
    static synchronized Handler verbose(PrintWriter err) {
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                if (isLoggable(record)) {
                    err.println(line(record));
                    err.flush();
                }
            }

            @Override
            public void flush() {
                err.flush();
            }

            @Override
            public void close() {
                err.flush();
            }
        };
        handler.setLevel(Level.FINE);
        ENGINE_LOGGER.setLevel(Level.FINE);
        ENGINE_LOGGER.setUseParentHandlers(false);
        ENGINE_LOGGER.addHandler(handler);
        return handler;
    }

    static synchronized void stop(Handler handler, Level previousLevel) {
        ENGINE_LOGGER.removeHandler(handler);
        ENGINE_LOGGER.setLevel(previousLevel);
        ENGINE_LOGGER.setUseParentHandlers(true);
    }

    static Level level() {
        return ENGINE_LOGGER.getLevel();
    }

    /** {@code 10:15:02.113 FINE http: GET https://... -> HTTP 200 in 12 ms}. */
    static String line(LogRecord r) {
        String logger = r.getLoggerName() == null ? "" : r.getLoggerName();
        if (logger.startsWith(ENGINE + ".")) {
            logger = logger.substring(ENGINE.length() + 1);
        }
        String text = new SimpleFormatter().formatMessage(r);
        if (r.getThrown() != null) {
            // Class and message only: engine messages carry no secrets, and a trace is for a bug report (exit 1).
            text += " (" + r.getThrown() + ")";
        }
        return LocalTime.ofInstant(r.getInstant(), ZoneId.systemDefault()).format(TIME) + " " + r.getLevel() + " "
                + logger + ": " + text;
    }
}
