package io.jenkins.plugins.immutable.scan.catalog;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import io.jenkins.plugins.immutable.scan.layer.LayerFile;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/**
 * npm packages as installed: the {@code package.json} of each directory directly under a {@code node_modules}
 * ({@code node_modules/x/package.json}, {@code node_modules/@scope/x/package.json}), at any depth.
 */
final class NpmCataloger implements Cataloger {

    private static final JsonFactory JSON = new JsonFactory();
    private static final int MAX_BYTES = 8 << 20;

    @Override
    public String name() {
        return "npm";
    }

    @Override
    public boolean wants(LayerFile file) {
        String p = file.path();
        if (!p.endsWith("/package.json") || file.type() != LayerFile.Type.FILE) {
            return false;
        }
        String[] parts = p.split("/");
        int n = parts.length;
        return (n >= 3 && parts[n - 3].equals("node_modules") && !parts[n - 2].startsWith("@"))
                || (n >= 4 && parts[n - 4].equals("node_modules") && parts[n - 3].startsWith("@"));
    }

    @Override
    public List<InstalledPackage> read(LayerFile file, InputStream content, Warnings warnings) throws IOException {
        byte[] bytes = content.readNBytes(MAX_BYTES + 1);
        if (bytes.length > MAX_BYTES) {
            warnings.skip(file.path(), "larger than 8 MiB, the most this scanner reads of a package.json");
            return List.of();
        }
        String name = null;
        String version = null;
        try (JsonParser parser = JSON.createParser(bytes)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                warnings.skip(file.path(), "not a JSON object; the package is missing from the report");
                return List.of();
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                if (value == JsonToken.VALUE_STRING && field.equals("name")) {
                    name = parser.getText();
                } else if (value == JsonToken.VALUE_STRING && field.equals("version")) {
                    version = parser.getText();
                } else {
                    parser.skipChildren();
                }
            }
        } catch (JsonProcessingException e) {
            warnings.skip(file.path(), "not valid JSON (" + e.getOriginalMessage() + "); the package is missing"
                    + " from the report");
            return List.of();
        }
        if (name == null || version == null) {
            return List.of(); // a package.json of a non-package folder (tests, examples) has neither
        }
        return List.of(InstalledPackage.found(PackageType.NPM, name, version, file.path()));
    }
}
