package io.jenkins.plugins.immutable.steps;

import io.jenkins.plugins.immutable.config.BlueGreenStrategy;
import io.jenkins.plugins.immutable.config.DockerTarget;
import io.jenkins.plugins.immutable.config.EnvironmentEntry;
import io.jenkins.plugins.immutable.config.Gates;
import io.jenkins.plugins.immutable.config.HaproxyRouter;
import io.jenkins.plugins.immutable.image.Repository;
import io.jenkins.plugins.immutable.ledger.Ledger;
import io.jenkins.plugins.immutable.ledger.LedgerHistory;
import io.jenkins.plugins.immutable.ledger.LedgerLocation;
import io.jenkins.plugins.immutable.registry.RegistryClient;
import io.jenkins.plugins.immutable.testing.Fixtures;
import io.jenkins.plugins.immutable.testing.Stack;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import hudson.model.Job;
import hudson.model.Run;
import org.htmlunit.html.HtmlPage;
import org.jvnet.hudson.test.JenkinsRule;

/** An environment on the stack (its Docker engine behind its HAProxy) and the Pipeline snippets that feed it. */
final class Promotions {

    final String environment;
    final String repository;
    private final String ports;

    Promotions(String environment, String ports) {
        this.environment = environment;
        this.ports = ports;
        this.repository = Stack.registry() + "/" + Stack.uniqueRepository("plugin-promote");
    }

    /** The environment's configuration: containers on the stack's engine, switched by its HAProxy, blue-green. */
    EnvironmentEntry entry(Gates gates) {
        DockerTarget target = new DockerTarget(ports);
        target.setHost(Stack.dockerHost());
        target.setHealthCheck("/health");
        EnvironmentEntry e = new EnvironmentEntry(environment, repository);
        e.setTarget(target);
        e.setRouter(new HaproxyRouter(Stack.haproxySocket().toString()));
        e.setStrategy(new BlueGreenStrategy());
        e.setGates(gates);
        return e;
    }

    /** Pipeline lines baking version {@code version} of the web service into {@code variable} (in a node). */
    String bake(Path dir, String variable, String version) throws IOException {
        Path rootfs = Fixtures.webService(dir, version);
        return variable + " = bakeImage image: '" + repository + ":" + version + "', layers: ['" + rootfs + "/:/'],"
                + " cmd: " + Fixtures.WEB_SERVICE_COMMAND + "\n";
    }

    /** What the environment's HAProxy frontend serves. */
    String served() throws IOException, InterruptedException {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://" + Stack.haproxyFrontend(environment) + "/")).timeout(Duration.ofSeconds(10))
                .build(), HttpResponse.BodyHandlers.ofString());
        return response.body().strip();
    }

    /** The environment's ledger, read as any other process would. */
    LedgerHistory ledger() {
        return new Ledger(RegistryClient.builder().build()).read(new LedgerLocation(Repository.parse(repository),
                environment));
    }

    /** Waits until the log shows {@code text} after {@code marker} (both from this run). */
    static void waitForLogAfter(JenkinsRule r, Run<?, ?> b, String marker, String text) throws Exception {
        long deadline = System.currentTimeMillis() + 120_000;
        while (System.currentTimeMillis() < deadline) {
            String log = JenkinsRule.getLog(b);
            int at = log.indexOf(marker);
            if (at >= 0 && log.indexOf(text, at) >= 0) {
                return;
            }
            if (!b.isBuilding()) {
                throw new AssertionError("the build ended before its log showed '" + text + "' after '" + marker
                        + "':\n" + log);
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the log did not show '" + text + "' after '" + marker + "' within 2 minutes");
    }

    /** A job's Environments page once its ledgers were read (the page reads them in the background). */
    static HtmlPage environmentsPage(JenkinsRule.WebClient wc, Job<?, ?> job) throws Exception {
        long deadline = System.currentTimeMillis() + 60_000;
        while (true) {
            HtmlPage page = wc.getPage(job, "immutable-environments");
            if (page.querySelector("[data-immutable-reading]") == null) {
                return page;
            }
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("the Environments page still reads after a minute:\n" + page.asNormalizedText());
            }
            Thread.sleep(500);
        }
    }

    void removeInstances() throws IOException {
        Fixtures.removeInstances(environment);
    }
}
