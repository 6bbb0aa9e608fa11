package io.jenkins.plugins.immutable.bake;

import io.jenkins.plugins.immutable.ProgressListener;
import io.jenkins.plugins.immutable.image.ImageReference;
import io.jenkins.plugins.immutable.registry.RegistryClient;
import io.jenkins.plugins.immutable.testing.Stack;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/**
 * LayerBaker against {@code docker build} for the same small Java application image: a base made FROM scratch
 * (busybox), its dependencies (real jars from this project's class path) and its application jar. Each way builds
 * from cold into a fresh repository, then builds again after a one-line change to the application and pushes; the
 * figures are medians of several rounds, the ratios docker's time over LayerBaker's (scripts/bench-bake).
 */
public final class BakeBench {

    private static final long DEPENDENCY_BYTES = 25L * 1024 * 1024;

    private final Path work;
    private final RegistryClient registry = RegistryClient.builder().build();
    private final ImageReference base;
    private int line;
    private final List<String> engineTags = new ArrayList<>();

    private BakeBench(Path work) throws Exception {
        this.work = work;
        Path baseContext = Files.createDirectories(work.resolve("base"));
        Files.copy(Path.of("/bin/busybox"), baseContext.resolve("busybox"));
        Files.writeString(baseContext.resolve("Dockerfile"), "FROM scratch\nCOPY busybox /bin/busybox\n");
        base = new DockerEngineBaker(DockerEngine.at(Stack.dockerHost()), registry, Map.of()).bake(
                DockerBuildRequest.builder(baseContext, ImageReference.parse(Stack.registry() + "/"
                        + Stack.uniqueRepository("bench-base") + ":1")).build(), ProgressListener.NONE).image();
        engineTags.add(base.repository() + ":" + base.tag());
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        Path work = Files.createTempDirectory("bake-bench");
        BakeBench bench = new BakeBench(work);
        Path app = bench.application();
        long libs;
        try (Stream<Path> s = Files.list(app.resolve("libs"))) {
            libs = s.mapToLong(p -> p.toFile().length()).sum();
        }
        System.out.printf(Locale.ROOT, "Application: %d MB of dependencies, a %d kB application jar, on %s%n",
                libs >> 20, Files.size(app.resolve("app.jar")) >> 10, bench.base.withoutTag());

        bench.layerBaker(app, work.resolve("warmup-cache")); // JIT warm-up, not measured
        List<long[]> docker = new ArrayList<>();
        List<long[]> engineBaker = new ArrayList<>();
        List<long[]> layers = new ArrayList<>();
        List<long[]> layersNoCache = new ArrayList<>();
        try {
            for (int round = 0; round < rounds; round++) {
                docker.add(bench.dockerCli(app));
                engineBaker.add(bench.dockerEngineBaker(app));
                layers.add(bench.layerBaker(app, work.resolve("cache-" + round)));
                layersNoCache.add(bench.layerBaker(app, null));
            }
        } finally {
            bench.cleanUp();
        }
        long[] d = median(docker);
        long[] e = median(engineBaker);
        long[] l = median(layers);
        long[] n = median(layersNoCache);
        System.out.printf(Locale.ROOT, "%nmedian of %d rounds, build + push       first build   rebuild after a one-line change%n",
                rounds);
        print("docker build + docker push (CLI)", d);
        print("DockerEngineBaker (docker-java)", e);
        print("LayerBaker, layer cache", l);
        print("LayerBaker, no layer cache", n);
        System.out.printf(Locale.ROOT, "%nratio docker build / LayerBaker:        first %.1fx    rebuild %.1fx (goal: rebuild >= 3x)%n",
                d[0] / (double) l[0], d[1] / (double) l[1]);
        System.out.printf(Locale.ROOT, "ratio docker build / LayerBaker no cache: first %.1fx    rebuild %.1fx%n",
                d[0] / (double) n[0], d[1] / (double) n[1]);
        System.out.printf(Locale.ROOT, "ratio DockerEngineBaker / LayerBaker:     first %.1fx    rebuild %.1fx%n",
                e[0] / (double) l[0], e[1] / (double) l[1]);
    }

    /** Removes what the bench left in the engine (its vfs storage keeps full copies) and on disk. */
    private void cleanUp() throws IOException {
        for (String tag : engineTags) {
            try {
                docker("rmi", "-f", tag);
            } catch (Exception e) {
                // already gone
            }
        }
        try (Stream<Path> walk = Files.walk(work)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static void print(String what, long[] millis) {
        System.out.printf(Locale.ROOT, "%-40s %8.2f s     %8.2f s%n", what, millis[0] / 1000.0, millis[1] / 1000.0);
    }

    private static long[] median(List<long[]> runs) {
        long[] first = runs.stream().mapToLong(r -> r[0]).sorted().toArray();
        long[] second = runs.stream().mapToLong(r -> r[1]).sorted().toArray();
        return new long[] {first[first.length / 2], second[second.length / 2]};
    }

    /** Dependencies (whole jars of the class path, about 25 MB) and an application jar with a line to change. */
    private Path application() throws IOException {
        Path app = Files.createDirectories(work.resolve("app"));
        Path libs = Files.createDirectories(app.resolve("libs"));
        long total = 0;
        List<String> jars = new ArrayList<>(Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(p -> p.endsWith(".jar")).sorted().toList());
        for (String jar : jars) {
            if (total >= DEPENDENCY_BYTES) {
                break;
            }
            Path source = Path.of(jar);
            Files.copy(source, libs.resolve(source.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            total += Files.size(source);
        }
        writeApplicationJar(app);
        Files.writeString(app.resolve("Dockerfile"), "FROM " + base.withoutTag() + "\n"
                + "COPY libs/ /app/libs/\n"
                + "COPY app.jar /app/app.jar\n"
                + "WORKDIR /app\n"
                + "ENTRYPOINT [\"/bin/busybox\", \"ls\", \"-l\", \"/app\"]\n");
        return app;
    }

    /** The application: this project's engine classes, and one line that each change bumps. */
    private void writeApplicationJar(Path app) throws IOException {
        Path classes = Path.of("engine/target/classes");
        try (OutputStream file = Files.newOutputStream(app.resolve("app.jar"));
                JarOutputStream jar = new JarOutputStream(file)) {
            if (Files.isDirectory(classes)) {
                try (Stream<Path> walk = Files.walk(classes)) {
                    for (Path p : walk.filter(Files::isRegularFile).sorted().toList()) {
                        jar.putNextEntry(new JarEntry(classes.relativize(p).toString().replace('\\', '/')));
                        Files.copy(p, jar);
                        jar.closeEntry();
                    }
                }
            }
            jar.putNextEntry(new JarEntry("app.properties"));
            jar.write(("line=" + line + "\n").getBytes(StandardCharsets.UTF_8));
            jar.closeEntry();
        }
    }

    private void oneLineChange(Path app) throws IOException {
        line++;
        writeApplicationJar(app);
    }

    private long[] layerBaker(Path app, Path cache) throws Exception {
        ImageReference target = ImageReference.parse(Stack.registry() + "/" + Stack.uniqueRepository("bench-layers")
                + ":1");
        long[] millis = new long[2];
        for (int i = 0; i < 2; i++) {
            if (i == 1) {
                oneLineChange(app);
            }
            long start = System.nanoTime();
            new LayerBaker(registry).bake(LayerBuildRequest.builder(base, target.withTag(Integer.toString(i + 1)))
                    .layer("dependencies", app.resolve("libs"), "/app/libs")
                    .layer("app", app.resolve("app.jar"), "/app/app.jar")
                    .workdir("/app")
                    .entrypoint("/bin/busybox", "ls", "-l", "/app")
                    .cacheDirectory(cache)
                    .build(), ProgressListener.NONE);
            millis[i] = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        }
        return millis;
    }

    private long[] dockerEngineBaker(Path app) throws Exception {
        ImageReference target = ImageReference.parse(Stack.registry() + "/" + Stack.uniqueRepository("bench-engine")
                + ":1");
        DockerEngineBaker baker = new DockerEngineBaker(DockerEngine.at(Stack.dockerHost()), registry, Map.of());
        long[] millis = new long[2];
        for (int i = 0; i < 2; i++) {
            if (i == 1) {
                oneLineChange(app);
            }
            long start = System.nanoTime();
            // the first build is cold (no builder cache), the rebuild uses the cache as docker users do
            ImageReference built = baker.bake(DockerBuildRequest.builder(app, target.withTag(Integer.toString(i + 1)))
                    .noCache(i == 0).build(), ProgressListener.NONE).image();
            engineTags.add(built.repository() + ":" + built.tag());
            millis[i] = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        }
        return millis;
    }

    private long[] dockerCli(Path app) throws Exception {
        String repository = Stack.registry() + "/" + Stack.uniqueRepository("bench-docker");
        long[] millis = new long[2];
        for (int i = 0; i < 2; i++) {
            if (i == 1) {
                oneLineChange(app);
            }
            String tag = repository + ":" + (i + 1);
            engineTags.add(tag);
            long start = System.nanoTime();
            if (i == 0) {
                docker("build", "--no-cache", "-q", "-t", tag, app.toString());
            } else {
                docker("build", "-q", "-t", tag, app.toString());
            }
            docker("push", "-q", tag);
            millis[i] = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        }
        return millis;
    }

    private static void docker(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("docker"));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("DOCKER_HOST", Stack.dockerHost());
        Process process = pb.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(10, TimeUnit.MINUTES) || process.exitValue() != 0) {
            throw new IllegalStateException(command + " failed: " + output);
        }
    }
}
