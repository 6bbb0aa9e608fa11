package io.jenkins.plugins.immutable.testing;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * scripts/stack waits for another apt-get or dpkg instead of failing at once on "Could not get lock": tried on a lock
 * file this test holds with an fcntl lock, as apt-get and dpkg hold theirs (APT_LOCK_FILES points the script at it).
 */
public class StackScriptTest {

    @Rule
    public final TemporaryFolder tmp = new TemporaryFolder();

    record Run(int exitCode, String err, long millis) {
    }

    private static Run waitForApt(Path lock, int limitSeconds) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder("bash", Path.of("..", "scripts", "stack").toString(), "wait-for-apt");
        pb.environment().put("APT_LOCK_FILES", lock.toString());
        pb.environment().put("APT_LOCK_WAIT", Integer.toString(limitSeconds));
        pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
        long start = System.nanoTime();
        Process p = pb.start();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue("scripts/stack wait-for-apt did not end", p.waitFor(120, TimeUnit.SECONDS));
        return new Run(p.exitValue(), err, (System.nanoTime() - start) / 1_000_000);
    }

    @Test
    public void aHeldPackageLockIsWaitedForAndNamed() throws Exception {
        Path lock = tmp.newFile("lock-frontend").toPath();
        long pid = ProcessHandle.current().pid();
        try (FileChannel channel = FileChannel.open(lock, StandardOpenOption.WRITE)) {
            FileLock held = channel.lock();
            Thread release = new Thread(() -> {
                try {
                    Thread.sleep(3000);
                    held.release();
                } catch (IOException | InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            release.start();
            Run run = waitForApt(lock, 60);
            release.join();
            assertEquals(run.err(), 0, run.exitCode());
            assertTrue(run.err(), run.err().contains("another package manager holds the package lock (pid " + pid));
            assertTrue(run.err(), run.err().contains("waiting for it to finish, at most 60s"));
            assertTrue(run.err(), run.err().contains("the package lock is free after"));
            assertTrue("it waited for the lock: " + run.millis() + " ms", run.millis() >= 2500);
        }
    }

    @Test
    public void aLockHeldLongerThanTheLimitEndsWithWhatToDo() throws Exception {
        Path lock = tmp.newFile("lock").toPath();
        try (FileChannel channel = FileChannel.open(lock, StandardOpenOption.WRITE); FileLock held = channel.lock()) {
            Run run = waitForApt(lock, 2);
            assertEquals(run.err(), 1, run.exitCode());
            assertTrue(run.err(), run.err().contains("the package lock is still held after 2s (pid "
                    + ProcessHandle.current().pid() + "); let that apt-get or dpkg finish (or stop it), or wait longer"
                    + " with APT_LOCK_WAIT=<seconds>, then run scripts/stack up again"));
        }
    }

    @Test
    public void aFreeLockIsNoWait() throws Exception {
        Run run = waitForApt(tmp.newFile("free").toPath(), 60);
        assertEquals(run.err(), 0, run.exitCode());
        assertEquals("", run.err());
    }
}
