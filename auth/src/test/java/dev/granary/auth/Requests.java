package dev.granary.auth;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds requests for tests: header names are lower-cased, a repeated name adds a value. */
final class Requests {

    private Requests() {}

    static SignableRequest request(String method, String rawPath, String rawQuery, String... headerPairs) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (int i = 0; i < headerPairs.length; i += 2) {
            headers.computeIfAbsent(headerPairs[i].toLowerCase(java.util.Locale.ROOT), k -> new ArrayList<>())
                    .add(headerPairs[i + 1]);
        }
        return new SignableRequest(method, rawPath, rawQuery, headers);
    }

    /** A copy of the request with one header replaced (or added). */
    static SignableRequest withHeader(SignableRequest request, String name, String value) {
        Map<String, List<String>> headers = new LinkedHashMap<>(request.headers());
        headers.put(name, List.of(value));
        return new SignableRequest(request.method(), request.rawPath(), request.rawQuery(), headers);
    }

    /** Reads a stream to its end in odd-sized reads, to exercise buffer boundaries. */
    static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[7919];
        for (int n; (n = in.read(buf, 0, buf.length)) >= 0; ) {
            out.write(buf, 0, n);
        }
        return out.toByteArray();
    }

    static InputStream stream(byte[] data) {
        return new ByteArrayInputStream(data);
    }
}
