package io.jenkins.plugins.immutable.steps;

import hudson.model.TaskListener;
import hudson.remoting.VirtualChannel;
import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.bake.BakeResult;
import io.jenkins.plugins.immutable.bake.DockerBuildRequest;
import io.jenkins.plugins.immutable.bake.DockerEngine;
import io.jenkins.plugins.immutable.bake.DockerEngineBaker;
import io.jenkins.plugins.immutable.bake.Invocation;
import io.jenkins.plugins.immutable.bake.LayerBaker;
import io.jenkins.plugins.immutable.bake.LayerBuildRequest;
import io.jenkins.plugins.immutable.bake.Source;
import io.jenkins.plugins.immutable.config.DeliveryConfig;
import io.jenkins.plugins.immutable.config.Wiring;
import io.jenkins.plugins.immutable.image.ImageReference;
import io.jenkins.plugins.immutable.image.Platform;
import io.jenkins.plugins.immutable.registry.HttpProxy;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import jenkins.MasterToSlaveFileCallable;

/**
 * {@code bakeImage}'s work on the agent, where the workspace, the Docker engine and the layer cache are: builds and
 * pushes the image, and returns what was pushed (the engine's result crosses the channel: its jar is admitted by
 * Jenkins' class filter).
 */
final class BakeOnAgent extends MasterToSlaveFileCallable<BakeResult> {

    private static final long serialVersionUID = 1L;

    private final BakeSpec spec;
    private final DeliveryConfig config;
    private final AgentLogins logins;
    private final HttpProxy proxy;
    private final Map<String, String> environment;
    private final TaskListener listener;
    private final Invocation invocation;
    private final String cacheDirectory;

    BakeOnAgent(BakeSpec spec, DeliveryConfig config, AgentLogins logins, HttpProxy proxy,
            Map<String, String> environment, TaskListener listener, Invocation invocation, String cacheDirectory) {
        this.spec = spec;
        this.config = config;
        this.logins = logins;
        this.proxy = proxy;
        this.environment = environment;
        this.listener = listener;
        this.invocation = invocation;
        this.cacheDirectory = cacheDirectory;
    }

    @Override
    public BakeResult invoke(File workspace, VirtualChannel channel) throws IOException, InterruptedException {
        Path dir = workspace.toPath();
        ImageReference target = ImageReference.parse(spec.image());
        if (target.isPinned()) {
            throw EngineException.badInput("image " + spec.image() + " names a digest; bakeImage gives the digest,"
                    + " so name the repository and (optionally) the tag to push under");
        }
        boolean tagged = spec.image().substring(spec.image().lastIndexOf('/') + 1).contains(":");
        Source source = new Source(spec.sourceRepository(), spec.sourceCommit(), spec.version());
        try (Wiring w = Runs.agentWiring(config, logins, proxy).listener(Runs.progress(listener))
                .dockerHost(environment.get("DOCKER_HOST")).build()) {
            if (spec.layers().isEmpty()) {
                Path context = dir.resolve(spec.context()).normalize();
                if (!Files.isDirectory(context)) {
                    throw EngineException.badInput("the build context " + spec.context() + " is not a directory"
                            + " in the workspace " + dir);
                }
                DockerBuildRequest.Builder request = DockerBuildRequest.builder(context, target)
                        .buildArgs(spec.buildArgs()).labels(spec.labels()).pull(spec.pull())
                        .noCache(spec.noCache()).allowLatest(spec.allowLatest()).source(source)
                        .invocation(invocation);
                if (!tagged) {
                    request.tag(null);
                }
                if (spec.dockerfile() != null) {
                    request.dockerfile(dir.resolve(spec.dockerfile()).normalize());
                }
                if (spec.target() != null) {
                    request.targetStage(spec.target());
                }
                if (spec.platform() != null) {
                    request.platform(spec.platform());
                }
                return new DockerEngineBaker(DockerEngine.fromEnvironment(environment), w.registry(),
                        w.registryCredentials()).bake(request.build(), Runs.progress(listener));
            }
            LayerBuildRequest.Builder request = LayerBuildRequest.builder(spec.from() == null ? null
                    : ImageReference.parse(spec.from()), target).source(source).invocation(invocation)
                    .allowLatest(spec.allowLatest()).created(LayerBuildRequest.sourceDateEpoch(environment))
                    .cacheDirectory(Path.of(cacheDirectory, "layers"));
            if (!tagged) {
                request.tag(null);
            }
            for (String layer : spec.layers()) {
                int colon = layer.lastIndexOf(":/");
                if (colon <= 0) {
                    throw EngineException.badInput("layers entry '" + layer + "' must be SOURCE:/PATH, a"
                            + " workspace file or directory and where it goes in the image, e.g."
                            + " 'build/app.jar:/app/'");
                }
                Path source0 = dir.resolve(layer.substring(0, colon)).normalize();
                if (!Files.exists(source0)) {
                    throw EngineException.badInput("layers entry '" + layer + "': " + layer.substring(0, colon)
                            + " does not exist in the workspace " + dir);
                }
                request.layer(layer.substring(0, colon), source0, layer.substring(colon + 1));
            }
            if (spec.entrypoint() != null) {
                request.entrypoint(spec.entrypoint().toArray(String[]::new));
            }
            if (spec.cmd() != null) {
                request.cmd(spec.cmd().toArray(String[]::new));
            }
            spec.env().forEach(request::env);
            spec.labels().forEach(request::label);
            spec.expose().forEach(request::expose);
            if (spec.workdir() != null) {
                request.workdir(spec.workdir());
            }
            if (spec.user() != null) {
                request.user(spec.user());
            }
            if (spec.platform() != null) {
                request.platform(Platform.parse(spec.platform()));
            }
            return new LayerBaker(w.registry()).bake(request.build(), Runs.progress(listener));
        } catch (EngineException e) {
            // the engine's message says what to do; it never holds a secret
            throw new IOException(e.getMessage(), e);
        }
    }
}
