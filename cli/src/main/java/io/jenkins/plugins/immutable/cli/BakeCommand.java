package io.jenkins.plugins.immutable.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.attest.SlsaProvenance;
import io.jenkins.plugins.immutable.bake.BakeResult;
import io.jenkins.plugins.immutable.bake.DockerBuildRequest;
import io.jenkins.plugins.immutable.bake.DockerEngine;
import io.jenkins.plugins.immutable.bake.DockerEngineBaker;
import io.jenkins.plugins.immutable.bake.Invocation;
import io.jenkins.plugins.immutable.bake.LayerBaker;
import io.jenkins.plugins.immutable.bake.LayerBuildRequest;
import io.jenkins.plugins.immutable.bake.Source;
import io.jenkins.plugins.immutable.image.ImageReference;
import io.jenkins.plugins.immutable.image.Platform;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code immutable bake}: build an image once, push it, and name it by digest with its provenance. */
@Command(name = "bake", mixinStandardHelpOptions = true,
        description = {"Build an image, push it, and print it pinned by digest, with OCI annotations and SLSA"
            + " provenance of what went in, who built it, and how.",
            "",
            "Two ways:",
            "  immutable bake CONTEXT -t REPO:TAG",
            "      on the Docker engine (DOCKER_HOST), from a Dockerfile;",
            "  immutable bake --layer DIR:/path -t REPO:TAG",
            "      daemonless: reproducible layers of local files on --from (default",
            "      scratch), through the registry alone.",
            "",
            "--provenance FILE writes the provenance statement for `immutable sign --attest FILE`."})
final class BakeCommand extends EngineCommand {

    @Parameters(index = "0", arity = "0..1", paramLabel = "CONTEXT",
            description = "The build context directory (Docker engine builds).")
    Path context;

    @Option(names = "--layer", paramLabel = "SOURCE:/PATH",
            description = "Daemonless: a layer of a local file or directory placed at /PATH in the image; repeatable,"
                    + " one layer each, in order.")
    List<String> layers = new ArrayList<>();

    @Option(names = "--from", paramLabel = "IMAGE", description = "Daemonless: the base image (default: scratch).")
    String from;

    @Option(names = "--entrypoint", paramLabel = "ARG", split = ",", description = "Daemonless: the entrypoint.")
    List<String> entrypoint;

    @Option(names = "--cmd", paramLabel = "ARG", split = ",", description = "Daemonless: the default command.")
    List<String> cmd;

    @Option(names = "--env", paramLabel = "NAME=VALUE", description = "Daemonless: an environment variable.")
    Map<String, String> env = new LinkedHashMap<>();

    @Option(names = "--workdir", paramLabel = "PATH", description = "Daemonless: the working directory.")
    String workdir;

    @Option(names = "--user", paramLabel = "USER", description = "Daemonless: the user to run as.")
    String user;

    @Option(names = "--expose", paramLabel = "PORT", description = "Daemonless: a port to expose (8080/tcp).")
    List<String> expose = new ArrayList<>();

    @Option(names = {"-t", "--image"}, required = true, paramLabel = "REPOSITORY[:TAG]",
            description = "Where to push: registry/repository, with the release tag (no tag: build-<image id>).")
    String image;

    @Option(names = {"-f", "--dockerfile"}, paramLabel = "FILE",
            description = "The Dockerfile (default: CONTEXT/Dockerfile); may lie outside the context.")
    Path dockerfile;

    @Option(names = "--build-arg", paramLabel = "NAME=VALUE",
            description = "A build argument (recorded in the image history and the provenance: never a secret).")
    Map<String, String> buildArgs = new LinkedHashMap<>();

    @Option(names = "--label", paramLabel = "NAME=VALUE", description = "A label to set on the image.")
    Map<String, String> labels = new LinkedHashMap<>();

    @Option(names = "--target", paramLabel = "STAGE", description = "The stage to build (default: the last).")
    String target;

    @Option(names = "--platform", paramLabel = "OS/ARCH", description = "The platform to build for.")
    String platform;

    @Option(names = "--pull", description = "Always pull the base images.")
    boolean pull;

    @Option(names = "--no-cache", description = "Build every step (daemonless: every layer) afresh.")
    boolean noCache;

    @Option(names = "--cache-dir", paramLabel = "DIR",
            description = "Daemonless: where built layers are kept between runs, so that unchanged ones are not built"
                    + " again (default: $XDG_CACHE_HOME/immutable/layers, else ~/.cache/immutable/layers).")
    Path cacheDir;

    @Option(names = "--source-repository", paramLabel = "URI",
            description = "Where the code came from (default: the context's git remote, when there is one).")
    String sourceRepository;

    @Option(names = "--source-commit", paramLabel = "SHA",
            description = "The commit built (default: the context's git HEAD, when there is one).")
    String sourceCommit;

    @Option(names = "--version-label", paramLabel = "VERSION",
            description = "The version the image packages, recorded as the annotation"
                    + " org.opencontainers.image.version.")
    String version;

    @Option(names = "--provenance", paramLabel = "FILE", description = "Write the SLSA provenance statement here.")
    Path provenance;

    @Override
    int run(Session session) throws IOException, InterruptedException {
        ImageReference ref = ImageReference.parse(image);
        if (ref.isPinned()) {
            throw EngineException.badInput("--image " + image + " names a digest; bake gives the digest, so name the"
                    + " repository and (optionally) the tag to push under");
        }
        boolean tagged = image.substring(image.lastIndexOf('/') + 1).contains(":");
        BakeResult result = layers.isEmpty() ? docker(session, ref, tagged) : daemonless(session, ref, tagged);
        byte[] statement = SlsaProvenance.statement(result.provenance()).toJson();
        if (provenance != null) {
            Path file = session.path(provenance);
            Files.write(file, statement);
            session.output().line("wrote the provenance statement to " + file);
        }
        ObjectNode json = Output.object();
        json.put("image", result.image().toString());
        json.put("digest", result.image().digest().toString());
        json.put("layers", result.layers());
        json.put("layersPushed", result.layersPushed());
        json.set("annotations", Output.JSON.valueToTree(result.annotations()));
        json.set("provenance", Output.JSON.readTree(statement));
        session.output().result(json, "Baked " + result.image() + "\n  " + result.layers() + " layers, "
                + result.layersPushed() + " pushed" + (result.bytesPushed() >= 0 ? " (" + Output.bytes(
                result.bytesPushed()) + ")" : "") + "\n  pinned: " + result.image().withoutTag());
        return 0;
    }

    private BakeResult docker(Session session, ImageReference ref, boolean tagged)
            throws IOException, InterruptedException {
        if (context == null) {
            throw EngineException.badInput("give the build context directory (a Docker engine build), or --layer"
                    + " SOURCE:/PATH for a daemonless one");
        }
        if (cacheDir != null) {
            throw EngineException.badInput("--cache-dir is for daemonless builds (--layer); the Docker engine keeps its"
                    + " own build cache (--no-cache builds without it)");
        }
        Path dir = session.path(context);
        if (!Files.isDirectory(dir)) {
            throw EngineException.badInput("the build context " + dir + " is not a directory");
        }
        DockerBuildRequest.Builder request = DockerBuildRequest.builder(dir, ref)
                .buildArgs(buildArgs).labels(labels).pull(pull).noCache(noCache).source(source(dir))
                .invocation(Invocation.cli(Main.Version.version()));
        if (!tagged) {
            request.tag(null); // no tag written: pushed as build-<image id>, never as an implicit latest
        }
        if (dockerfile != null) {
            request.dockerfile(session.path(dockerfile));
        }
        if (target != null) {
            request.targetStage(target);
        }
        if (platform != null) {
            request.platform(platform);
        }
        DockerEngineBaker baker = new DockerEngineBaker(DockerEngine.fromEnvironment(session.env()),
                session.wiring().registry(), session.wiring().registryCredentials());
        return baker.bake(request.build(), session.output());
    }

    private BakeResult daemonless(Session session, ImageReference ref, boolean tagged) throws InterruptedException {
        if (context != null || dockerfile != null || !buildArgs.isEmpty() || target != null || pull) {
            throw EngineException.badInput("CONTEXT, --dockerfile, --build-arg, --target and --pull are for Docker"
                    + " engine builds; a daemonless build (--layer) takes --from, --cmd, --entrypoint, --env,"
                    + " --workdir, --user, --expose, --label, --cache-dir and --no-cache");
        }
        if (noCache && cacheDir != null) {
            throw EngineException.badInput("--no-cache builds every layer afresh without a cache; leave out"
                    + " --cache-dir " + cacheDir + ", or --no-cache");
        }
        LayerBuildRequest.Builder request = LayerBuildRequest.builder(from == null ? null : ImageReference.parse(from),
                ref).source(source(session.path(Path.of(".")))).invocation(Invocation.cli(Main.Version.version()))
                .created(LayerBuildRequest.sourceDateEpoch(session.env()))
                .cacheDirectory(noCache ? null : cacheDir != null ? session.path(cacheDir)
                        : session.cacheDirectory().resolve("layers"));
        if (!tagged) {
            request.tag(null);
        }
        for (String layer : layers) {
            int colon = layer.lastIndexOf(":/");
            if (colon <= 0) {
                throw EngineException.badInput("--layer " + layer + " must be SOURCE:/PATH, e.g. build/app.jar:/app/");
            }
            Path source = session.path(Path.of(layer.substring(0, colon)));
            if (!Files.exists(source)) {
                throw EngineException.badInput("--layer " + layer + ": " + source + " does not exist");
            }
            request.layer(layer.substring(0, colon), source, layer.substring(colon + 1));
        }
        if (entrypoint != null) {
            request.entrypoint(entrypoint.toArray(String[]::new));
        }
        if (cmd != null) {
            request.cmd(cmd.toArray(String[]::new));
        }
        env.forEach(request::env);
        labels.forEach(request::label);
        expose.forEach(request::expose);
        if (workdir != null) {
            request.workdir(workdir);
        }
        if (user != null) {
            request.user(user);
        }
        if (platform != null) {
            request.platform(Platform.parse(platform));
        }
        return new LayerBaker(session.wiring().registry()).bake(request.build(), session.output());
    }

    private Source source(Path dir) {
        return new Source(sourceRepository != null ? sourceRepository : git(dir, "remote", "get-url", "origin"),
                sourceCommit != null ? sourceCommit : git(dir, "rev-parse", "HEAD"), version);
    }

    /** One line of git's answer about the context, or null when it is no git checkout (or git is missing). */
    private static String git(Path dir, String... args) {
        String[] command = new String[args.length + 3];
        command[0] = "git";
        command[1] = "-C";
        command[2] = dir.toString();
        System.arraycopy(args, 0, command, 3, args.length);
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(false)
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String out = new String(p.getInputStream().readAllBytes()).strip();
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0 || out.isEmpty()) {
                p.destroy();
                return null;
            }
            return out.lines().findFirst().orElse(null);
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
