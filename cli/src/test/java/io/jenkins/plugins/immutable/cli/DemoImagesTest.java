package io.jenkins.plugins.immutable.cli;

import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class DemoImagesTest {

    @Rule
    public final TemporaryFolder tmp = new TemporaryFolder();

    @Test
    public void aContextIsWrittenOverTheOneAnEarlierDemoLeftInTheSameDirectory() throws Exception {
        Path dir = tmp.getRoot().toPath().resolve("version-1.0");
        DemoImages.context(dir, "1.0", 0);
        DemoImages.context(dir, "1.2", 3);
        String cgi = Files.readString(dir.resolve("rootfs/www/cgi-bin/index.cgi"));
        assertTrue(cgi, cgi.contains("1.2"));
        assertTrue(Files.isRegularFile(dir.resolve("rootfs/bin/busybox")));
    }
}
