package io.jenkins.plugins.immutable.actions;

import com.fasterxml.jackson.databind.ObjectMapper;
import hudson.model.Run;
import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.attest.SlsaProvenance;
import io.jenkins.plugins.immutable.attest.Statement;
import io.jenkins.plugins.immutable.bake.BakeResult;
import io.jenkins.plugins.immutable.image.Digest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.StaplerResponse2;
import org.kohsuke.stapler.export.Exported;
import org.kohsuke.stapler.export.ExportedBean;
import org.kohsuke.stapler.verb.GET;

/**
 * The images a run baked: each by digest, with its SLSA provenance (viewable and downloadable), and the signatures
 * and attestations the run attached to it. Exported through the REST API ({@code .../immutable-provenance/api/json}).
 */
@ExportedBean
public final class ProvenanceAction extends RunAttachedAction {

    private final List<BakedImage> images = new CopyOnWriteArrayList<>();

    /** The run's action, added on first use. */
    public static synchronized ProvenanceAction of(Run<?, ?> run) {
        ProvenanceAction a = run.getAction(ProvenanceAction.class);
        if (a == null) {
            a = new ProvenanceAction();
            run.addAction(a);
        }
        return a;
    }

    @Override
    public String getIconFileName() {
        return "symbol-ribbon";
    }

    @Override
    public String getDisplayName() {
        return Messages.ProvenanceAction_DisplayName();
    }

    @Override
    public String getUrlName() {
        return "immutable-provenance";
    }

    @Exported(inline = true)
    public List<BakedImage> getImages() {
        return List.copyOf(images);
    }

    /** Records a baked image (a digest baked twice in one run keeps its first record). */
    public void add(BakeResult result) {
        String statement = new String(SlsaProvenance.statement(result.provenance()).toJson(), StandardCharsets.UTF_8);
        BakedImage image = new BakedImage(result.image().toString(), result.image().digest().toString(),
                statement, result.layers(), result.layersPushed(), new TreeMap<>(result.annotations()));
        if (find(result.image().digest()).isEmpty()) {
            images.add(image);
        }
        save();
    }

    /** The image of this run with that digest. */
    public Optional<BakedImage> find(Digest digest) {
        return images.stream().filter(i -> i.digest.equals(digest.toString())).findFirst();
    }

    /** Notes a signature attached to a baked image ("key 1a2b3c4d: sha256-....sig"). */
    public void recordSignature(Digest digest, String line) {
        find(digest).ifPresent(i -> {
            i.signatures.add(line);
            save();
        });
    }

    /** Notes an attestation attached to a baked image. */
    public void recordAttestation(Digest digest, String line) {
        find(digest).ifPresent(i -> {
            i.attestations.add(line);
            save();
        });
    }

    /** Downloads the provenance statement of one image: {@code statement?digest=sha256:...}. */
    @GET
    public void doStatement(@QueryParameter String digest, StaplerResponse2 rsp) throws IOException {
        BakedImage image = images.stream().filter(i -> i.digest.equals(digest)).findFirst().orElse(null);
        Downloads.send(rsp, "application/json", "provenance-" + (image == null ? "none" : image.getShortDigest())
                + ".intoto.json", image == null ? null : image.statement);
    }


    /** One baked image. */
    @ExportedBean(defaultVisibility = 2)
    public static final class BakedImage {

        private final String reference;
        private final String digest;
        private final String statement;
        private final int layers;
        private final int layersPushed;
        private final Map<String, String> annotations;
        private final List<String> signatures = new CopyOnWriteArrayList<>();
        private final List<String> attestations = new CopyOnWriteArrayList<>();

        BakedImage(String reference, String digest, String statement, int layers, int layersPushed,
                Map<String, String> annotations) {
            this.reference = reference;
            this.digest = digest;
            this.statement = statement;
            this.layers = layers;
            this.layersPushed = layersPushed;
            this.annotations = annotations;
        }

        /** The image pinned: {@code host/repo:tag@sha256:...}. */
        @Exported
        public String getReference() {
            return reference;
        }

        @Exported
        public String getDigest() {
            return digest;
        }

        public String getShortDigest() {
            return Digest.parse(digest).shortForm();
        }

        @Exported
        public int getLayers() {
            return layers;
        }

        @Exported
        public int getLayersPushed() {
            return layersPushed;
        }

        @Exported
        public Map<String, String> getAnnotations() {
            return annotations == null ? Map.of() : annotations;
        }

        @Exported
        public List<String> getSignatures() {
            return signatures == null ? List.of() : List.copyOf(signatures);
        }

        @Exported
        public List<String> getAttestations() {
            return attestations == null ? List.of() : List.copyOf(attestations);
        }

        /** The in-toto statement whose predicate is the SLSA provenance, as JSON. */
        public String getStatementJson() {
            return statement;
        }

        /** The statement, for the sign step to attach. */
        public Statement statement() {
            return Statement.parse(statement.getBytes(StandardCharsets.UTF_8));
        }

        /** Builder, build type and source, read from the provenance for the page. */
        @Exported
        public Map<String, String> getSummary() {
            Map<String, String> facts = new TreeMap<>();
            try {
                SlsaProvenance read = SlsaProvenance.read(statement().predicate());
                put(facts, "builderId", read.builderId());
                put(facts, "buildType", read.buildType());
                put(facts, "sourceRepository", read.sourceRepository());
                put(facts, "sourceCommit", read.sourceCommit());
            } catch (EngineException e) {
                put(facts, "problem", e.getMessage());
            }
            return facts;
        }

        private static void put(Map<String, String> map, String key, String value) {
            if (value != null) {
                map.put(key, value);
            }
        }

        /** Pretty-printed statement for the page. */
        public String getStatementPretty() {
            try {
                return new ObjectMapper().readTree(statement).toPrettyString();
            } catch (IOException e) {
                return statement;
            }
        }
    }
}
