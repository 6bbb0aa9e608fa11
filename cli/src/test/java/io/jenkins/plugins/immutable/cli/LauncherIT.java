package io.jenkins.plugins.immutable.cli;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.Assume;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * bin/immutable's JVM archive, run as a person runs it, on the Java that runs this test (a CDS archive before Java
 * 25, an AOT cache from 25 on) and on a Java 25 or later installed beside it when there is one: recorded by a first
 * run, finished by a later one, then started from; never met by a rebuilt jar; never mapped when cut short; and never
 * the cause of a command's failure.
 */
public class LauncherIT {

    private static final Path LAUNCHER = Path.of("..", "bin", "immutable").toAbsolutePath().normalize();
    private static final Pattern ARCHIVE = Pattern.compile("bin/immutable: archive (\\S+)");

    @Rule
    public final TemporaryFolder tmp = new TemporaryFolder();

    private Path jar;
    private Path cache;
    private Path config;

    /** The run's output and what the launcher said. */
    private record Run(int exitCode, String out, String err) {
        Optional<String> archive() {
            Matcher m = ARCHIVE.matcher(err);
            return m.find() ? Optional.of(m.group(1)) : Optional.empty();
        }

        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + out + "\n--- stderr\n" + err;
        }
    }

    @Before
    public void aJarAndAConfigurationOfTheirOwn() throws IOException {
        Path built = Path.of("target", "immutable.jar").toAbsolutePath();
        assertTrue(built + " is built in the package phase, before this test", Files.isRegularFile(built));
        jar = Files.copy(built, tmp.getRoot().toPath().resolve("immutable.jar"));
        cache = tmp.getRoot().toPath().resolve("cache");
        config = Files.writeString(tmp.getRoot().toPath().resolve("immutable.yaml"), """
                environments:
                  - name: dev
                    repository: %s
                    target: { docker: { ports: "28160-28169" } }
                """.formatted(Stacks.registry() + "/" + Stacks.unique("launcher")));
    }

    /** The Java that runs this test. */
    private static Path thisJava() {
        return Path.of(System.getProperty("java.home"));
    }

    /** A JDK 25 or later in /usr/lib/jvm, where Debian and the Adoptium packages install them. */
    private static Optional<Path> java25() throws IOException {
        Path jvms = Path.of("/usr/lib/jvm");
        if (!Files.isDirectory(jvms)) {
            return Optional.empty();
        }
        try (Stream<Path> homes = Files.list(jvms)) {
            return homes.filter(h -> feature(h) >= 25).findFirst();
        }
    }

    private static int feature(Path home) {
        try {
            for (String line : Files.readAllLines(home.resolve("release"))) {
                Matcher m = Pattern.compile("^JAVA_VERSION=\"(\\d+)").matcher(line);
                if (m.find()) {
                    return Integer.parseInt(m.group(1));
                }
            }
        } catch (IOException | RuntimeException e) {
            // no release file: not a JDK to use here
        }
        return 0;
    }

    private Run run(Path java, Map<String, String> extra, String... args) {
        try {
            List<String> command = new ArrayList<>(List.of(LAUNCHER.toString()));
            command.addAll(List.of(args));
            ProcessBuilder pb = new ProcessBuilder(command).directory(tmp.getRoot());
            Map<String, String> env = pb.environment();
            env.put("IMMUTABLE_JAVA", java.toString());
            env.put("IMMUTABLE_JAR", jar.toString());
            env.put("XDG_CACHE_HOME", cache.toString());
            env.put(Session.STATE_DIR, tmp.getRoot().toPath().resolve("state").toString());
            env.put("IMMUTABLE_LAUNCHER_VERBOSE", "1");
            env.remove("IMMUTABLE_JAVA_OPTS");
            env.remove("IMMUTABLE_JVM_ARCHIVE");
            env.putAll(extra);
            Path out = Files.createTempFile(tmp.getRoot().toPath(), "stdout", ".txt");
            Path err = Files.createTempFile(tmp.getRoot().toPath(), "stderr", ".txt");
            Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            p.getOutputStream().close();
            if (!p.waitFor(3, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new AssertionError(command + " did not finish in 3 minutes");
            }
            return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private Run status(Path java, Map<String, String> extra) {
        return run(java, extra, "--config", config.toString(), "status");
    }

    private Run status(Path java) {
        return status(java, Map.of());
    }

    /** Waits for a background assembly (Java 25) to end: the lock directories go when it is done. */
    private void settled() throws Exception {
        Path dir = cache.resolve("immutable/jvm");
        for (int i = 0; i < 240; i++) {
            try (Stream<Path> files = Files.list(dir)) {
                if (files.noneMatch(f -> f.getFileName().toString().endsWith(".lock"))) {
                    return;
                }
            }
            Thread.sleep(500);
        }
        throw new AssertionError("an archive is still being made after 2 minutes: " + list());
    }

    private List<String> list() throws IOException {
        try (Stream<Path> files = Files.list(cache.resolve("immutable/jvm"))) {
            return files.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }

    private List<String> archives() throws IOException {
        return list().stream().filter(n -> n.endsWith(".jsa") || n.endsWith(".aot")).toList();
    }

    /** The options with which the JVM refuses to start rather than run without the archive it is given. */
    private static Map<String, String> archiveOrNothing(Path java) {
        return Map.of("IMMUTABLE_JAVA_OPTS", feature(java) >= 25 ? "-XX:AOTMode=on" : "-Xshare:on");
    }

    /** Makes the archive of status: a first run records it, a second finishes it; returns the third run. */
    private Run madeAndUsed(Path java) throws Exception {
        Run first = status(java);
        assertEquals(first.toString(), 0, first.exitCode());
        assertTrue(first.toString(), first.err().contains("bin/immutable: recording "));
        Run second = status(java);
        assertEquals(second.toString(), 0, second.exitCode());
        assertEquals("the same answer", first.out(), second.out());
        settled();
        Run third = status(java, archiveOrNothing(java));
        assertEquals("started from the archive, or the JVM would have refused to start:\n" + third, 0,
                third.exitCode());
        assertTrue(third.toString(), third.archive().isPresent());
        assertEquals("nothing of the JVM's on standard output", first.out(), third.out());
        assertEquals(List.of(Path.of(third.archive().get()).getFileName().toString()), archives());
        return third;
    }

    @Test
    public void aFirstRunRecordsALaterOneFinishesAndTheNextStartsFromTheArchive() throws Exception {
        madeAndUsed(thisJava());
        Run help = run(thisJava(), Map.of(), "history", "--help");
        assertEquals(help.toString(), 0, help.exitCode());
        assertFalse("a help text records nothing: " + help, help.err().contains("recording"));
    }

    @Test
    public void onJava25AnAotCacheIsAssembledInTheBackgroundAndUsed() throws Exception {
        Optional<Path> java25 = java25();
        Assume.assumeTrue("no Java 25 or later in /usr/lib/jvm", java25.isPresent());
        Run used = madeAndUsed(java25.get());
        assertTrue(used.archive().get(), used.archive().get().endsWith(".aot"));
    }

    @Test
    public void aRebuiltJarNeverMeetsTheArchiveOfTheOldOne() throws Exception {
        String old = madeAndUsed(thisJava()).archive().orElseThrow();
        try (FileSystem zip = FileSystems.newFileSystem(URI.create("jar:" + jar.toUri()), Map.of())) {
            Files.writeString(zip.getPath("rebuilt.txt"), "a later build");
        }
        Run rebuilt = status(thisJava());
        assertEquals(rebuilt.toString(), 0, rebuilt.exitCode());
        assertTrue("a new archive is recorded for the new jar: " + rebuilt, rebuilt.err().contains("recording "));
        assertFalse(rebuilt.toString(), rebuilt.err().contains(old));
        assertEquals(0, status(thisJava()).exitCode());
        settled();
        Run next = status(thisJava(), archiveOrNothing(thisJava()));
        assertEquals(next.toString(), 0, next.exitCode());
        assertNotEquals(old, next.archive().orElseThrow());
    }

    @Test
    public void anArchiveCutShortIsRemovedAndMadeAgainNotMapped() throws Exception {
        Run used = madeAndUsed(thisJava());
        Path archive = Path.of(used.archive().orElseThrow());
        byte[] whole = Files.readAllBytes(archive);
        archive.toFile().setWritable(true);
        Files.write(archive, java.util.Arrays.copyOf(whole, whole.length / 3), StandardOpenOption.TRUNCATE_EXISTING);
        Run after = status(thisJava());
        assertEquals(after.toString(), 0, after.exitCode());
        assertEquals(used.out(), after.out());
        assertTrue(after.toString(), after.err().contains("it is not the size it was made"));
        assertFalse(Files.exists(archive));
    }

    @Test
    public void noArchiveToBeMadeNeverFailsTheCommand() throws Exception {
        Run expected = status(thisJava(), Map.of("IMMUTABLE_JVM_ARCHIVE", "off"));
        assertEquals(expected.toString(), 0, expected.exitCode());
        assertFalse(expected.err().contains("recording"));

        // A cache that cannot be a directory.
        Path file = Files.writeString(tmp.getRoot().toPath().resolve("not-a-directory"), "");
        Run unwritable = status(thisJava(), Map.of("XDG_CACHE_HOME", file.toString()));
        assertEquals(unwritable.toString(), 0, unwritable.exitCode());
        assertEquals(expected.out(), unwritable.out());

        // What a recording left is not an archive: making it fails, once, and the commands go on without one.
        assertTrue(status(thisJava()).err().contains("recording"));
        try (Stream<Path> locks = Files.list(cache.resolve("immutable/jvm"))) {
            Path lock = locks.filter(f -> f.getFileName().toString().endsWith(".lock")).findFirst().orElseThrow();
            for (String name : new String[] {"archive.jsa", "recorded.aotconf"}) {
                if (Files.exists(lock.resolve(name))) {
                    Files.writeString(lock.resolve(name), "not what a JVM wrote");
                }
            }
        }
        for (int i = 0; i < 3; i++) {
            Run r = status(thisJava());
            assertEquals(r.toString(), 0, r.exitCode());
            assertEquals(expected.out(), r.out());
            settled();
        }
        assertTrue(list().toString(), list().stream().anyMatch(n -> n.endsWith(".failed")));
        assertEquals(List.of(), archives());
        assertTrue(status(thisJava()).err().contains("failed"));
    }

    @Test
    public void firstRunsAtOnceLeaveOneWholeArchive() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Run>> runs = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                runs.add(pool.submit(() -> status(thisJava())));
            }
            String out = null;
            for (Future<Run> f : runs) {
                Run r = f.get(5, TimeUnit.MINUTES);
                assertEquals(r.toString(), 0, r.exitCode());
                out = out == null ? r.out() : out;
                assertEquals(out, r.out());
            }
            for (int i = 0; i < 4; i++) {
                runs.set(i, pool.submit(() -> status(thisJava())));
            }
            for (Future<Run> f : runs) {
                assertEquals(0, f.get(5, TimeUnit.MINUTES).exitCode());
            }
        } finally {
            pool.shutdownNow();
        }
        settled();
        assertEquals(list().toString(), 1, archives().size());
        Run used = status(thisJava(), archiveOrNothing(thisJava()));
        assertEquals(used.toString(), 0, used.exitCode());
    }

}
