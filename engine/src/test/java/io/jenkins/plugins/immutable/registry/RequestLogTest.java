package io.jenkins.plugins.immutable.registry;

import static org.junit.Assert.assertEquals;

import java.net.URI;
import org.junit.Test;

/** What the request log writes of a URL: no user info, no value of a query parameter that may be a secret. */
public class RequestLogTest {

    @Test
    public void userInfoGoesAndSoDoSecretQueryValues() {
        assertEquals("https://registry.example.com:5000/v2/app/manifests/v1",
                RequestLog.redact(URI.create("https://ci:hunter2@registry.example.com:5000/v2/app/manifests/v1")));
        // A pre-signed storage URL behind a blob redirect: its signature and credential are as good as a password.
        assertEquals("https://bucket.s3.amazonaws.com/blobs/ab?X-Amz-Algorithm=REDACTED&X-Amz-Credential=REDACTED"
                + "&X-Amz-Signature=REDACTED&X-Amz-Expires=REDACTED&partNumber=1",
                RequestLog.redact(URI.create("https://bucket.s3.amazonaws.com/blobs/ab?X-Amz-Algorithm=AWS4"
                        + "&X-Amz-Credential=AKIA%2F20260101&X-Amz-Signature=deadbeef&X-Amz-Expires=300&partNumber=1")));
        // An upload's opaque state, a token service's parameters, a digest and pagination.
        assertEquals("http://127.0.0.1:5101/v2/app/blobs/uploads/u1?_state=REDACTED&digest=sha256:ab",
                RequestLog.redact(URI.create("http://127.0.0.1:5101/v2/app/blobs/uploads/u1?_state=opaque"
                        + "&digest=sha256:ab")));
        assertEquals("https://auth.example.com/token?service=registry&scope=repository:app:pull&access_token=REDACTED",
                RequestLog.redact(URI.create("https://auth.example.com/token?service=registry"
                        + "&scope=repository:app:pull&access_token=eyJ")));
        assertEquals("http://[::1]:5107/api/v1/query_range?query=up&sig=REDACTED",
                RequestLog.redact(URI.create("http://[::1]:5107/api/v1/query_range?query=up&sig=x")));
    }
}
