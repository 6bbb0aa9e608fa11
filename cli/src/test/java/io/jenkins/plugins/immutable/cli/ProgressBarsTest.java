package io.jenkins.plugins.immutable.cli;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import io.jenkins.plugins.immutable.image.ImageManifest;
import io.jenkins.plugins.immutable.image.ImageReference;
import io.jenkins.plugins.immutable.image.MediaTypes;
import io.jenkins.plugins.immutable.image.Repository;
import io.jenkins.plugins.immutable.registry.CopyResult;
import io.jenkins.plugins.immutable.registry.ImageCopier;
import io.jenkins.plugins.immutable.registry.RegistryClient;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** On a terminal, blob uploads (bake) and cross-registry copies (promote) draw bars that redraw in place. */
public class ProgressBarsTest {

    @Rule
    public final TemporaryFolder tmp = new TemporaryFolder();

    private static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** A bar for {@code task} part-way: {@code task [###   ] 42% (1.2 MiB of 4.0 MiB)}. */
    private static boolean showsBarPartWay(String err, String task) {
        return Pattern.compile(Pattern.quote(task) + " \\[#* *] (\\d|[1-9]\\d)% \\([^)]+ of [^)]+\\)").matcher(err)
                .find();
    }

    @Test
    public void aDaemonlessBakeDrawsABarForTheLayerItUploads() throws Exception {
        Path dir = tmp.getRoot().toPath();
        Files.write(Files.createDirectories(dir.resolve("data")).resolve("random.bin"), random(4 << 20, 7));
        String repository = Stacks.registry() + "/" + Stacks.unique("cli-progress");

        CliRun bake = CliRun.run(dir, Map.of("XDG_CACHE_HOME", dir.resolve("cache").toString()), "--progress", "bars",
                "bake", "--layer", "data:/data", "-t", repository + ":1.0");

        assertEquals(bake.toString(), 0, bake.exitCode());
        assertTrue(bake.err(), showsBarPartWay(bake.err(), "push data"));
        assertTrue("the bar is wiped when the upload ends and the log goes on below: " + bake.err(),
                bake.err().contains("\rLayer data: pushed "));
    }

    @Test
    public void aCopyAcrossRegistriesDrawsABarForTheBlobItStreams() {
        RegistryClient client = RegistryClient.builder().build();
        Repository from = Repository.parse(Stacks.registry() + "/" + Stacks.unique("cli-progress"));
        Repository to = Repository.parse(Stacks.require("IMMUTABLE_REGISTRY2") + "/" + Stacks.unique("cli-progress"));
        byte[] config = "{}".getBytes(StandardCharsets.UTF_8);
        client.pushBlob(to, config); // the target has it: the layer is the only transfer, its bar the first drawn
        ImageManifest manifest = ImageManifest.builder(MediaTypes.OCI_MANIFEST)
                .config(client.pushBlob(from, config).withMediaType(MediaTypes.OCI_CONFIG))
                .layer(client.pushBlob(from, random(4 << 20, 8)).withMediaType(MediaTypes.OCI_LAYER_GZIP))
                .build();
        ImageReference source = client.putManifest(from.tag("1.0"), manifest);
        StringWriter err = new StringWriter();
        Output output = new Output(new PrintWriter(new StringWriter()), new PrintWriter(err), false,
                Output.ProgressMode.auto, true);

        CopyResult result = new ImageCopier(client).withListener(output).copy(source, to.tag("1.0"));
        output.close();

        assertEquals(1, result.blobsCopied());
        String layer = "copy " + manifest.layers().get(0).digest().shortForm();
        assertTrue(err.toString(), showsBarPartWay(err.toString(), layer));
        assertTrue("the bar is wiped when the copy ends and the log goes on below: " + err,
                err.toString().contains("\rcopied " + manifest.layers().get(0).digest().shortForm()));
        assertTrue("no bar is left behind: " + err, err.toString().endsWith("\n"));
    }
}
