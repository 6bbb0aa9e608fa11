package io.jenkins.plugins.immutable.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.rules.ExternalResource;

/**
 * What the engine logs while a test runs, down to a level: for a test that proves a request was made, a warning
 * given, or a secret left out. A JUnit rule: the engine's level is put back after the test.
 */
public final class EngineLog extends ExternalResource {

    private static final Logger ENGINE = Logger.getLogger("io.jenkins.plugins.immutable");

    private final Level level;
    private final List<LogRecord> records = new ArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            synchronized (records) {
                records.add(record);
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private Level previous;

    /** Captures what the engine logs at {@code level} and above. */
    public EngineLog(Level level) {
        this.level = level;
    }

    @Override
    protected void before() {
        previous = ENGINE.getLevel();
        ENGINE.setLevel(level);
        capture.setLevel(Level.ALL);
        ENGINE.addHandler(capture);
    }

    @Override
    protected void after() {
        ENGINE.removeHandler(capture);
        ENGINE.setLevel(previous);
    }

    /** The records so far, oldest first. */
    public List<LogRecord> records() {
        synchronized (records) {
            return List.copyOf(records);
        }
    }
}
