package dev.granary.api.cors;

import dev.granary.api.http.S3Response;
import dev.granary.api.xml.XmlReader;
import dev.granary.storage.ObjectStore;
import dev.granary.storage.StorageException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A bucket's CORS rules applied to requests: the headers a matching rule adds to an actual response (any
 * operation, errors included; added by the pipeline before the handler runs) and to a preflight answer.
 */
public final class Cors {
    public static final String ORIGIN = "Origin";
    public static final String ACCESS_CONTROL_REQUEST_METHOD = "Access-Control-Request-Method";
    public static final String ACCESS_CONTROL_REQUEST_HEADERS = "Access-Control-Request-Headers";
    public static final String ALLOW_ORIGIN = "Access-Control-Allow-Origin";
    public static final String ALLOW_METHODS = "Access-Control-Allow-Methods";
    public static final String ALLOW_HEADERS = "Access-Control-Allow-Headers";
    public static final String ALLOW_CREDENTIALS = "Access-Control-Allow-Credentials";
    public static final String EXPOSE_HEADERS = "Access-Control-Expose-Headers";
    public static final String MAX_AGE = "Access-Control-Max-Age";
    public static final String VARY = "Vary";
    /** What AWS varies a CORS answer on. */
    static final String VARY_VALUE = "Origin, Access-Control-Request-Headers, Access-Control-Request-Method";

    private static final Logger LOG = LoggerFactory.getLogger(Cors.class);

    private final ObjectStore store;
    /** Parsed configurations by bucket, reused while the stored bytes are unchanged. */
    private final Map<String, Parsed> parsed = new ConcurrentHashMap<>();

    @SuppressWarnings("ArrayRecordComponent") // only raw is compared, with Arrays.equals
    private record Parsed(byte[] raw, CorsConfiguration configuration) {}

    /** The admin port the web console is served from (its pages may call the S3 API), or -1 for none. */
    private final IntSupplier consolePort;

    public Cors(ObjectStore store) {
        this(store, () -> -1);
    }

    /**
     * @param consolePort the admin port serving the web console, whose pages (an origin of the same host on that
     *     port) may call the S3 API: their requests carry signatures like any other (CORS lets a page read the
     *     answers, it grants no access), so they get CORS headers without a bucket rule
     */
    public Cors(ObjectStore store, IntSupplier consolePort) {
        this.store = store;
        this.consolePort = consolePort;
    }

    /**
     * What the console's pages read from S3's answers: every header ("*", which browsers honour for requests without
     * cookies, as the console's are: user metadata and checksums have open-ended names), the usual ones by name too.
     */
    private static final String CONSOLE_EXPOSED =
            "*, ETag, Content-Length, Content-Type, Last-Modified, x-amz-request-id,"
                    + " x-amz-version-id, x-amz-delete-marker, x-amz-checksum-crc32, x-amz-checksum-crc32c,"
                    + " x-amz-checksum-sha1, x-amz-checksum-sha256, x-amz-checksum-crc64nvme, x-amz-checksum-type";

    /**
     * Whether {@code origin} is the web console's: the host the request was sent to ({@code host}, its Host header),
     * on the console's port.
     */
    public boolean fromConsole(String origin, String host) {
        int port = consolePort.getAsInt();
        if (origin == null || host == null || port <= 0) {
            return false;
        }
        try {
            URI o = new URI(origin);
            String requestHost =
                    host.startsWith("[") ? host.substring(0, host.indexOf(']') + 1) : host.split(":", 2)[0];
            return o.getPort() == port
                    && o.getHost() != null
                    && o.getHost().equalsIgnoreCase(requestHost)
                    && ("http".equals(o.getScheme()) || "https".equals(o.getScheme()));
        } catch (URISyntaxException e) {
            return false;
        }
    }

    /** The CORS headers of an answer to the console's pages (a preflight's included). */
    public static void allowConsole(String origin, String requestedHeaders, S3Response response) {
        response.header(ALLOW_ORIGIN, origin);
        response.header(ALLOW_METHODS, "GET, PUT, POST, DELETE, HEAD");
        List<String> headers = requestHeaders(requestedHeaders);
        if (!headers.isEmpty()) {
            response.header(ALLOW_HEADERS, String.join(", ", headers));
        }
        response.header(EXPOSE_HEADERS, CONSOLE_EXPOSED);
        response.header(MAX_AGE, "600");
        response.header(VARY, VARY_VALUE);
    }

    /**
     * The bucket's CORS configuration, or empty when it has none.
     *
     * @throws StorageException {@code NO_SUCH_BUCKET}
     */
    public Optional<CorsConfiguration> configuration(String bucket) {
        Optional<byte[]> raw = store.getBucketConfig(bucket, CorsConfiguration.CONFIG_NAME);
        if (raw.isEmpty()) {
            parsed.remove(bucket);
            return Optional.empty();
        }
        Parsed cached = parsed.get(bucket);
        if (cached != null && Arrays.equals(cached.raw(), raw.get())) {
            return Optional.of(cached.configuration());
        }
        CorsConfiguration configuration = CorsConfiguration.parse(XmlReader.parse(raw.get()));
        parsed.put(bucket, new Parsed(raw.get(), configuration));
        return Optional.of(configuration);
    }

    /**
     * Adds the CORS headers of the first rule matching the request's Origin and method, if any, to an actual
     * (non-preflight) response. Never fails the request: a missing bucket or an unreadable configuration just
     * means no CORS headers.
     */
    public void decorate(String bucket, String origin, String method, S3Response response) {
        decorate(bucket, origin, method, null, response);
    }

    /** As {@link #decorate(String, String, String, S3Response)}, the console's pages answered by {@code host}. */
    public void decorate(String bucket, String origin, String method, String host, S3Response response) {
        if (fromConsole(origin, host)) {
            allowConsole(origin, null, response);
            return;
        }
        if (bucket == null || origin == null) {
            return;
        }
        try {
            Optional<CorsConfiguration> configuration = configuration(bucket);
            if (configuration.isEmpty()) {
                return;
            }
            CorsRule rule = configuration.get().match(origin, method, List.of());
            if (rule != null) {
                allow(rule, origin, response);
            }
        } catch (StorageException e) {
            if (e.reason() != StorageException.Reason.NO_SUCH_BUCKET) {
                LOG.debug("no CORS headers for bucket {}: {}", bucket, e.toString());
            }
        } catch (RuntimeException e) {
            LOG.warn("no CORS headers for bucket {}", bucket, e);
        }
    }

    /** The headers a matching rule grants, shared by preflight and actual responses. */
    public static void allow(CorsRule rule, String origin, S3Response response) {
        // AWS answers "*" only when the rule allows every origin; a pattern match echoes the caller's origin,
        // which also lets a browser send credentials.
        boolean any = "*".equals(rule.matchingOrigin(origin));
        response.header(ALLOW_ORIGIN, any ? "*" : origin);
        response.header(ALLOW_METHODS, String.join(", ", rule.allowedMethods()));
        if (!any) {
            response.header(ALLOW_CREDENTIALS, "true");
        }
        if (!rule.exposeHeaders().isEmpty()) {
            response.header(EXPOSE_HEADERS, String.join(", ", rule.exposeHeaders()));
        }
        if (rule.maxAgeSeconds() != null) {
            response.header(MAX_AGE, rule.maxAgeSeconds().toString());
        }
        response.header(VARY, VARY_VALUE);
    }

    /** The header names of Access-Control-Request-Headers, lower-cased, empty ones dropped. */
    public static List<String> requestHeaders(String value) {
        List<String> result = new ArrayList<>();
        if (value != null) {
            for (String h : value.split(",", -1)) {
                String name = h.trim().toLowerCase(Locale.ROOT);
                if (!name.isEmpty()) {
                    result.add(name);
                }
            }
        }
        return result;
    }
}
