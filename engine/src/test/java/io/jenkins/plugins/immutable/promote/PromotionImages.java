package io.jenkins.plugins.immutable.promote;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.DockerClient;
import io.jenkins.plugins.immutable.ProgressListener;
import io.jenkins.plugins.immutable.attest.Attestor;
import io.jenkins.plugins.immutable.attest.PredicateTypes;
import io.jenkins.plugins.immutable.attest.ProvenancePolicy;
import io.jenkins.plugins.immutable.attest.SlsaProvenance;
import io.jenkins.plugins.immutable.attest.Statement;
import io.jenkins.plugins.immutable.attest.Subject;
import io.jenkins.plugins.immutable.bake.Provenance;
import io.jenkins.plugins.immutable.deploy.TestImages;
import io.jenkins.plugins.immutable.deploy.docker.DockerClients;
import io.jenkins.plugins.immutable.image.Digest;
import io.jenkins.plugins.immutable.image.ImageReference;
import io.jenkins.plugins.immutable.image.Repository;
import io.jenkins.plugins.immutable.registry.RegistryClient;
import io.jenkins.plugins.immutable.scan.Policy;
import io.jenkins.plugins.immutable.scan.ScanOutputs;
import io.jenkins.plugins.immutable.scan.ScanReport;
import io.jenkins.plugins.immutable.scan.Scanner;
import io.jenkins.plugins.immutable.scan.Severity;
import io.jenkins.plugins.immutable.scan.osv.OsvDatabase;
import io.jenkins.plugins.immutable.sign.ImageSigner;
import io.jenkins.plugins.immutable.sign.SigningKey;
import io.jenkins.plugins.immutable.testing.Stack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Images for the promotion tests, built once per class FROM scratch with busybox and pushed to a "ci" repository,
 * as a build would leave them: signed, scanned (the scan attested), with SLSA provenance. {@link #v1} carries
 * lodash 4.17.20, which the "old" vulnerability database does not know as vulnerable and the full test database
 * (testdata/osv-db) does: a vulnerability found after the digest went live.
 */
final class PromotionImages {

    static final Path FULL_DB = Path.of("..", "testdata", "osv-db");
    static final Policy POLICY = new Policy(Severity.HIGH, false, List.of());
    static final String BUILDER = "https://ci.example/job/app/";
    static final ProvenancePolicy PROVENANCE = ProvenancePolicy.builderAndSource(BUILDER + "*",
            "https://git.example/app.git");

    private static final ObjectMapper JSON = new ObjectMapper();

    final DockerClient docker = DockerClients.connect(Stack.dockerHost());
    final RegistryClient client = RegistryClient.builder().build();
    final SigningKey key = SigningKey.generate();
    final Repository ci;
    final Path oldDb;
    final Digest v1;
    final Digest v2;
    final Digest v3;
    /** Signed, with provenance, never scanned. */
    final Digest unscanned;
    /** Neither signed nor attested. */
    final Digest unsigned;

    PromotionImages() throws Exception {
        TestImages images = new TestImages(docker, "promote-ci");
        ci = Repository.parse(images.repository());
        oldDb = Files.createTempDirectory("osv-old");
        Files.createDirectories(oldDb.resolve("npm"));
        Files.copy(FULL_DB.resolve("npm/GHSA-hrpp-h998-j3pp.json"), oldDb.resolve("npm/GHSA-hrpp-h998-j3pp.json"));
        v1 = images.serving("v1", Map.of("node_modules/lodash/package.json",
                "{\"name\": \"lodash\", \"version\": \"4.17.20\"}"));
        v2 = images.serving("v2");
        v3 = images.serving("v3");
        unscanned = images.serving("unscanned");
        unsigned = images.serving("unsigned");
        for (Digest d : List.of(v1, v2, v3, unscanned)) {
            new ImageSigner(client).sign(ci.digest(d), key, Map.of());
            attestProvenance(ci.digest(d), BUILDER + "7/");
        }
        for (Digest d : List.of(v1, v2, v3)) {
            scanAndAttest(ci.digest(d), oldDb);
        }
    }

    ImageReference ci(Digest digest) {
        return ci.digest(digest);
    }

    /** Scans the image with the database at {@code db} and attests the report, signed with {@link #key}. */
    ScanReport scanAndAttest(ImageReference image, Path db) throws Exception {
        try (OsvDatabase osv = OsvDatabase.open(db, ProgressListener.NONE)) {
            ScanReport report = new Scanner(osv, ProgressListener.NONE).scan(client, image, null, POLICY);
            Statement statement = Statement.about(Subject.of(image.repository().toString(), image.digest()),
                    PredicateTypes.COSIGN_VULN_V1,
                    JSON.readTree(ScanOutputs.vulnPredicate(report, ScanOutputs.Invocation.NONE)));
            new Attestor(client).attest(image, statement, key);
            return report;
        }
    }

    void attestProvenance(ImageReference image, String builderId) {
        Instant now = Instant.now();
        Provenance p = new Provenance(new Provenance.Artifact(image.repository().toString(), image.digest()),
                "https://git.example/app.git", "0123456789abcdef0123456789abcdef01234567", List.of(), Map.of(), null,
                builderId, "test", "alice", Provenance.DOCKER_ENGINE_BUILD_TYPE, "7", now, now, Map.of());
        new Attestor(client).attest(image, SlsaProvenance.statement(p), key);
    }
}
