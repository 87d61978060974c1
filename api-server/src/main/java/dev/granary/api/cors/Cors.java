package dev.granary.api.cors;

import dev.granary.api.http.S3Response;
import dev.granary.api.xml.XmlReader;
import dev.granary.storage.ObjectStore;
import dev.granary.storage.StorageException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
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

    public Cors(ObjectStore store) {
        this.store = store;
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
