package dev.granary.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.granary.auth.SigV4Signer;
import dev.granary.auth.SignableRequest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Signed calls to the admin API and parsing of its CSV usage reports, for the metering ITs. */
final class MeteringSupport {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private MeteringSupport() {}

    /** A GET or POST signed with the root credentials; returns status and body. */
    static HttpResponse<String> admin(URI admin, String method, String pathAndQuery, String secret) throws Exception {
        SigV4Signer signer = new SigV4Signer(GranaryServerExtension.ACCESS_KEY, secret, "us-east-1");
        Map<String, List<String>> headers = new TreeMap<>();
        headers.put("host", List.of(admin.getHost() + ":" + admin.getPort()));
        int q = pathAndQuery.indexOf('?');
        String path = q < 0 ? pathAndQuery : pathAndQuery.substring(0, q);
        String query = q < 0 ? null : pathAndQuery.substring(q + 1);
        String emptyHash = SignedHttp.sha256Hex(new byte[0]);
        SignableRequest signed =
                signer.sign(new SignableRequest(method, path, query, headers), emptyHash, Instant.now());
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(admin + pathAndQuery))
                .method(method, HttpRequest.BodyPublishers.noBody());
        signed.headers().forEach((name, values) -> {
            if (!name.equals("host")) {
                values.forEach(v -> request.header(name, v));
            }
        });
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> admin(URI admin, String pathAndQuery) throws Exception {
        HttpResponse<String> r = admin(admin, "GET", pathAndQuery, GranaryServerExtension.SECRET_KEY);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return r;
    }

    /** Usage counts: requests, errors, bytes in, bytes out. */
    record Counts(long requests, long errors, long bytesIn, long bytesOut) {
        Counts plus(Counts o) {
            return new Counts(requests + o.requests, errors + o.errors, bytesIn + o.bytesIn, bytesOut + o.bytesOut);
        }
    }

    /** The bucket's usage by operation, from the CSV report. */
    static Map<String, Counts> usageByOperation(URI admin, String bucket) throws Exception {
        String csv = admin(admin, "/admin/v1/usage?groupBy=operation&format=csv&bucket=" + bucket)
                .body();
        String[] lines = csv.lines().toArray(String[]::new);
        assertThat(lines[0]).isEqualTo("account,bucket,operation,requestClass,requests,errors,bytesIn,bytesOut");
        Map<String, Counts> result = new TreeMap<>();
        for (int i = 1; i < lines.length; i++) {
            String[] f = lines[i].split(",", -1);
            result.put(
                    f[2],
                    new Counts(Long.parseLong(f[4]), Long.parseLong(f[5]), Long.parseLong(f[6]), Long.parseLong(f[7])));
        }
        return result;
    }

    static Counts total(Map<String, Counts> byOperation) {
        return byOperation.values().stream().reduce(new Counts(0, 0, 0, 0), Counts::plus);
    }

    /** Expected usage, added to request by request. */
    static final class Expected {
        final Map<String, Counts> byOperation = new HashMap<>();

        synchronized void add(String operation, int status, long in, long out) {
            byOperation.merge(operation, new Counts(1, status >= 400 ? 1 : 0, in, out), Counts::plus);
        }

        synchronized Map<String, Counts> snapshot() {
            return new TreeMap<>(byOperation);
        }
    }
}
