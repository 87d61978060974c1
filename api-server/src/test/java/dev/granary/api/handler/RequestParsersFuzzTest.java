package dev.granary.api.handler;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.granary.api.cors.CorsConfiguration;
import dev.granary.api.error.S3Exception;
import dev.granary.api.http.HttpDates;
import dev.granary.api.http.UrlCodec;
import dev.granary.api.lifecycle.LifecycleConfiguration;
import dev.granary.api.xml.XmlReader;
import dev.granary.auth.AuthException;
import dev.granary.auth.access.Owner;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Coverage-guided fuzzing (Jazzer) of the API server's parsers of request input that need no server: the hardened
 * XML reader and the documents read from it (lifecycle, CORS, tagging, ACL), Range and copy-source ranges, HTTP dates,
 * copy sources, percent-decoding, and the streaming multipart/form-data reader of POST uploads. Each may refuse
 * input only with an S3Exception or AuthException (MalformedException for form bodies); anything else, and any hang, is a finding.
 * The XML bodies of every operation are fuzzed through a real server by {@code XmlBodiesFuzzIT}.
 */
class RequestParsersFuzzTest {
    private static final Owner OWNER = new Owner("a".repeat(64), "owner");

    /** An XML document, read as each typed document the API takes. */
    @FuzzTest
    void xmlDocuments(FuzzedDataProvider data) {
        int kind = data.consumeInt(0, 4);
        byte[] body = data.consumeRemainingAsBytes();
        try {
            switch (kind) {
                case 0 -> LifecycleConfiguration.parse(XmlReader.parse(body));
                case 1 -> CorsConfiguration.parse(XmlReader.parse(body));
                case 2 -> Tagging.parseXml(XmlReader.parse(body), true);
                case 3 -> Tagging.parseXml(XmlReader.parse(body), false);
                default -> Acls.fromXml(body, OWNER);
            }
        } catch (S3Exception | AuthException expected) {
            // refused with an S3 error (an ACL grant to an unknown email is UnresolvableGrantByEmailAddress)
        }
    }

    /** Range, x-amz-copy-source-range, HTTP dates, tagging headers, copy sources and percent-decoding. */
    @FuzzTest
    void headers(FuzzedDataProvider data) {
        long size = data.consumeLong(0, Long.MAX_VALUE);
        String value = data.consumeRemainingAsString();
        try {
            ByteRange.parse(value, size);
        } catch (S3Exception expected) {
            // refused with an S3 error
        }
        try {
            ByteRange.parseCopySourceRange(value, size);
        } catch (S3Exception expected) {
            // refused with an S3 error
        }
        HttpDates.parse(value);
        try {
            Tagging.parseHeader(value);
        } catch (S3Exception expected) {
            // refused with an S3 error
        }
        try {
            CopySource.parse(value);
            CopySource.versionId(value);
        } catch (S3Exception expected) {
            // refused with an S3 error
        }
        try {
            UrlCodec.decode(value, true);
            UrlCodec.parseQuery(value);
        } catch (S3Exception expected) {
            // refused with an S3 error
        }
        Conditions.matches(value, "0123456789abcdef0123456789abcdef");
    }

    /** A multipart/form-data body read part by part, fields as text and files as streams, as POST object does. */
    @FuzzTest
    void formBodies(FuzzedDataProvider data) {
        String contentType = data.consumeBoolean()
                ? "multipart/form-data; boundary=" + data.consumeString(80)
                : data.consumeString(120);
        String boundary = MultipartForm.boundary(contentType);
        if (boundary == null || boundary.isEmpty()) {
            return;
        }
        int textLimit = data.consumeInt(0, 1 << 16);
        MultipartForm form = new MultipartForm(new ByteArrayInputStream(data.consumeRemainingAsBytes()), boundary);
        try {
            for (int parts = 0; parts < 1_000; parts++) {
                MultipartForm.Part part = form.next();
                if (part == null) {
                    return;
                }
                if (part.filename() != null) {
                    drain(form.content());
                } else {
                    form.text(textLimit);
                }
            }
        } catch (MultipartForm.MalformedException expected) {
            // refused as MalformedPOSTRequest
        } catch (IOException e) {
            throw new AssertionError("an in-memory form failed with a plain IOException", e);
        }
    }

    private static void drain(InputStream in) throws IOException {
        byte[] buf = new byte[4096];
        while (in.read(buf) >= 0) {
            // to the next boundary
        }
    }
}
