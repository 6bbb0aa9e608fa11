package io.jenkins.plugins.immutable.actions;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.kohsuke.stapler.StaplerResponse2;

/** Serves a document the run keeps (provenance, scan report, SBOM, SARIF) as a download. */
final class Downloads {

    private Downloads() {
    }

    static void send(StaplerResponse2 rsp, String contentType, String fileName, String body) throws IOException {
        if (body == null) {
            rsp.sendError(404);
            return;
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        rsp.setContentType(contentType + ";charset=UTF-8");
        rsp.setHeader("Content-Disposition", "attachment; filename=\"" + fileName.replaceAll("[^A-Za-z0-9._-]", "_")
                + "\"");
        rsp.setHeader("X-Content-Type-Options", "nosniff");
        rsp.setContentLength(bytes.length);
        try (OutputStream out = rsp.getOutputStream()) {
            out.write(bytes);
        }
    }
}
