package dev.granary.api.admin;

import dev.granary.api.handler.HealthReport;
import dev.granary.auth.AuthError;
import dev.granary.auth.AuthException;
import dev.granary.auth.AuthResult;
import dev.granary.auth.JsonWriter;
import dev.granary.auth.PayloadMode;
import dev.granary.auth.SigV4Verifier;
import dev.granary.auth.SignableRequest;
import dev.granary.cluster.ClusterStatus;
import dev.granary.cluster.RaftNode;
import dev.granary.metering.Metering;
import dev.granary.metering.MeteringMetrics;
import dev.granary.metering.UsageReport;
import dev.granary.storage.DiskStatus;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderValues;
import io.undertow.util.Headers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes of the admin listener:
 *
 * <pre>
 * GET  /health                          200, no credentials: the disk's free space, whether it takes writes
 * GET  /health/ready                    200 once the server serves current data; 503 while a cluster node that
 *                                       (re)started catches up with its partitions' leaders (a readiness check)
 * GET  /metrics                         Prometheus text, no credentials (keep the admin port private)
 * GET  /admin/v1/usage?from&amp;to&amp;groupBy&amp;format=json|csv&amp;account&amp;bucket
 * GET  /admin/v1/usage/storage          bytes, objects, byte-hours per bucket and account
 * POST /admin/v1/usage/storage/check    the consistency check: recount from the engine, then as above
 * ...  /admin/v1/users...               users and access keys, see {@link UsersApi}
 * GET  /admin/v1/cluster                a cluster's nodes and partitions ({@link ClusterView}); 404 when standalone
 * GET  /admin/v1/cluster/replicas       this node's replicas: each one's applied index and state digest
 * POST /admin/v1/cluster/nodes/{id}/drain  moves every object partition's replica off node {id} (202); GET
 *                                       /admin/v1/cluster then shows it draining, then drained, and the moves left
 * </pre>
 *
 * The {@code /admin} routes need a SigV4 signature (service {@code s3}, the server's region) by the root
 * credentials; errors are JSON {@code {"code":..., "message":...}}. The usage routes answer 503 while metering is
 * off; the users routes work regardless.
 */
final class AdminHandler implements HttpHandler {
    private static final Logger LOG = LoggerFactory.getLogger(AdminHandler.class);
    private static final Instant FAR_FUTURE = Instant.parse("9999-01-01T00:00:00Z");
    static final int MAX_BODY = 64 * 1024;

    private final SigV4Verifier verifier;
    private final String rootAccountId;
    private final Metering metering;
    private final Clock clock;
    private final UsersApi users;
    private final SessionsApi sessions;
    private final AdminServer.Console console;
    private final Supplier<DiskStatus> disk;
    private static final String NODES = "/admin/v1/cluster/nodes/";

    /** Starts the drain of a node of the cluster; null when standalone. */
    private final java.util.function.Consumer<String> drain;

    /** The cluster this server is a node of, as it finds it now; null when standalone. */
    private final Supplier<ClusterStatus> cluster;
    /** This node's replicas' digests; null when standalone. */
    private final Supplier<Map<Integer, RaftNode.ReplicaDigest>> replicas;
    /** Whether the server serves current data yet (a cluster node that started has caught up). */
    private final java.util.function.BooleanSupplier ready;

    AdminHandler(
            SigV4Verifier verifier,
            String rootAccountId,
            Metering metering,
            Clock clock,
            UsersApi users,
            SessionsApi sessions,
            AdminServer.Console console,
            Supplier<DiskStatus> disk,
            Supplier<ClusterStatus> cluster,
            Supplier<Map<Integer, RaftNode.ReplicaDigest>> replicas,
            java.util.function.Consumer<String> drain,
            java.util.function.BooleanSupplier ready) {
        this.verifier = verifier;
        this.drain = drain;
        this.replicas = replicas;
        this.ready = ready;
        this.rootAccountId = rootAccountId;
        this.metering = metering;
        this.clock = clock;
        this.users = users;
        this.sessions = sessions;
        this.console = console;
        this.disk = disk;
        this.cluster = cluster;
    }

    /** An answer: status, content type, body. */
    private record Answer(int status, String contentType, String body) {
        static Answer json(String body) {
            return new Answer(200, "application/json", body);
        }

        static Answer error(int status, String error, String message) {
            String body = JsonWriter.write(json -> {
                json.writeStartObject();
                json.writeStringField("code", error);
                json.writeStringField("message", message);
                json.writeEndObject();
            });
            return new Answer(status, "application/json", body + "\n");
        }
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) {
        Answer answer;
        try {
            answer = route(exchange);
        } catch (IllegalArgumentException e) {
            answer = Answer.error(400, "InvalidArgument", e.getMessage());
        } catch (UsersApi.Failure e) {
            answer = Answer.error(e.status, e.code, e.getMessage());
        } catch (AuthException e) {
            answer = Answer.error(403, e.error().code(), e.getMessage());
        } catch (RuntimeException e) {
            LOG.warn("admin request {} {} failed", exchange.getRequestMethod(), exchange.getRequestPath(), e);
            answer = Answer.error(500, "InternalError", e.toString());
        }
        exchange.setStatusCode(answer.status());
        if (answer.body() == null) {
            exchange.endExchange();
            return;
        }
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, answer.contentType());
        exchange.getResponseSender().send(answer.body(), StandardCharsets.UTF_8);
    }

    private Answer route(HttpServerExchange exchange) {
        String method = exchange.getRequestMethod().toString();
        String path = exchange.getRequestPath();
        if (path.equals("/health/ready")) {
            return ready.getAsBoolean()
                    ? new Answer(200, "application/json", "{\"status\":\"ready\"}\n")
                    : new Answer(503, "application/json", "{\"status\":\"catching-up\"}\n");
        }
        if (path.equals("/health")) {
            return new Answer(200, "application/json", HealthReport.json(disk.get()));
        }
        if (path.equals("/metrics") && method.equals("GET")) {
            if (!metering.enabled()) {
                return off();
            }
            String metrics = metering.scrapeMetrics();
            if (cluster != null) {
                metrics += ClusterView.metrics(cluster.get());
            }
            return new Answer(200, MeteringMetrics.contentType(), metrics);
        }
        if (method.equals("GET") && (path.equals("/") || path.startsWith(ConsoleAssets.PREFIX))) {
            return consoleAnswer(exchange, path);
        }
        if (!path.startsWith("/admin/")) {
            return Answer.error(404, "NotFound", "no such admin resource: " + path);
        }
        if (path.equals(SessionsApi.PREFIX) || path.startsWith(SessionsApi.PREFIX + "/")) {
            // Any user signs in (asks for session credentials) and out; the rest of the admin API is root's.
            AuthResult auth = verify(exchange);
            if (auth.isAnonymous()) {
                throw new AuthException(AuthError.ACCESS_DENIED, "sign the request to ask for a session");
            }
            UsersApi.Reply reply = sessions.handle(method, path, auth, body(exchange, auth));
            exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-store");
            return new Answer(reply.status(), "application/json", reply.json() == null ? null : reply.json() + "\n");
        }
        AuthResult auth = authenticate(exchange);
        if (path.equals(UsersApi.PREFIX) || path.startsWith(UsersApi.PREFIX + "/")) {
            UsersApi.Reply reply = users.handle(method, path, body(exchange, auth));
            return new Answer(reply.status(), "application/json", reply.json() == null ? null : reply.json() + "\n");
        }
        if (path.equals("/admin/v1/cluster/replicas") && method.equals("GET")) {
            return replicas == null
                    ? Answer.error(404, "NotACluster", "this server is standalone, not a node of a cluster")
                    : Answer.json(ClusterView.replicasJson(replicas.get()));
        }
        if (path.startsWith(NODES) && path.endsWith("/drain")) {
            if (!method.equals("POST")) {
                return Answer.error(405, "MethodNotAllowed", path + " takes POST");
            }
            if (drain == null) {
                return Answer.error(404, "NotACluster", "this server is standalone, not a node of a cluster");
            }
            String id = path.substring(NODES.length(), path.length() - "/drain".length());
            try {
                drain.accept(id);
            } catch (IllegalArgumentException e) {
                return Answer.error(404, "NoSuchNode", e.getMessage());
            } catch (IllegalStateException e) {
                return Answer.error(409, "CannotDrain", e.getMessage());
            }
            return new Answer(202, "application/json", "{\"node\":\"" + id + "\",\"state\":\"draining\"}\n");
        }
        if (path.equals("/admin/v1/cluster")) {
            if (!method.equals("GET")) {
                return Answer.error(405, "MethodNotAllowed", "/admin/v1/cluster takes GET");
            }
            return cluster == null
                    ? Answer.error(404, "NotACluster", "this server is standalone, not a node of a cluster")
                    : Answer.json(ClusterView.json(cluster.get()));
        }
        if (!metering.enabled()) {
            return off();
        }
        Map<String, String> query = parseQuery(exchange.getQueryString());
        return switch (method + " " + path) {
            case "GET /admin/v1/usage" -> usage(query);
            case "GET /admin/v1/usage/storage" -> Answer.json(metering.storageJson(clock, false));
            case "POST /admin/v1/usage/storage/check" -> Answer.json(metering.storageJson(clock, true));
            default -> Answer.error(404, "NotFound", "no such admin resource: " + method + " " + path);
        };
    }

    private static Answer off() {
        return Answer.error(503, "MeteringOff", "metering is off on this server (--metering=off)");
    }

    private Answer usage(Map<String, String> query) {
        Instant from = time(query.get("from"), Instant.EPOCH, "from");
        Instant to = time(query.get("to"), FAR_FUTURE, "to");
        if (!from.isBefore(to)) {
            throw new IllegalArgumentException("from must be before to");
        }
        String format = query.getOrDefault("format", "json").toLowerCase(Locale.ROOT);
        if (!format.equals("json") && !format.equals("csv")) {
            throw new IllegalArgumentException("format must be json or csv, got '" + format + "'");
        }
        UsageReport report = metering.usage(
                from, to, UsageReport.parseGroupBy(query.get("groupBy")), query.get("account"), query.get("bucket"));
        return format.equals("csv") ? new Answer(200, "text/csv", report.toCsv()) : Answer.json(report.toJson());
    }

    private static Instant time(String value, Instant dflt, String name) {
        if (value == null || value.isEmpty()) {
            return dflt;
        }
        try {
            return OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException e) {
            try {
                return Instant.parse(value);
            } catch (DateTimeParseException again) {
                throw new IllegalArgumentException(
                        name + " must be an ISO-8601 time such as 2030-01-31T10:00:00Z, got '" + value + "'");
            }
        }
    }

    /** Only the root credentials may read usage: a valid SigV4 signature by an access key of the root account. */
    private AuthResult authenticate(HttpServerExchange exchange) {
        AuthResult auth = verify(exchange);
        if (auth.isAnonymous() || !auth.principal().accountId().equals(rootAccountId)) {
            throw new AuthException(AuthError.ACCESS_DENIED, "the admin API needs the root credentials");
        }
        return auth;
    }

    /** The web console's page, scripts and settings, with the headers that confine them (see {@link ConsoleAssets}). */
    private Answer consoleAnswer(HttpServerExchange exchange, String path) {
        String host = exchange.getRequestHeaders().getFirst(Headers.HOST);
        String scheme = exchange.getRequestScheme();
        int s3Port = console.s3Port().getAsInt();
        ConsoleAssets.secure(exchange.getResponseHeaders(), scheme, host, s3Port);
        if (path.equals(ConsoleAssets.PREFIX + "config.json")) {
            return Answer.json(JsonWriter.write(json -> {
                json.writeStartObject();
                json.writeNumberField("s3Port", s3Port);
                json.writeStringField("region", console.region());
                json.writeEndObject();
            }));
        }
        ConsoleAssets.Asset asset = ConsoleAssets.find(path.equals("/") ? ConsoleAssets.PREFIX + "index.html" : path);
        if (asset == null) {
            return Answer.error(404, "NotFound", "no such console file: " + path);
        }
        return new Answer(200, asset.contentType(), asset.text());
    }

    /** The request's signature, verified: its signer (session credentials included), or anonymous. */
    private AuthResult verify(HttpServerExchange exchange) {
        Map<String, List<String>> headers = new HashMap<>();
        for (HeaderValues values : exchange.getRequestHeaders()) {
            headers.put(values.getHeaderName().toString().toLowerCase(Locale.ROOT), new ArrayList<>(values));
        }
        return verifier.verify(new SignableRequest(
                exchange.getRequestMethod().toString(), exchange.getRequestPath(), exchange.getQueryString(), headers));
    }

    /**
     * The request body as text, up to {@value #MAX_BODY} bytes, checked against the signed payload hash when the
     * client signed one ({@code UNSIGNED-PAYLOAD} is accepted, as for S3 requests; streaming bodies are not).
     */
    private static String body(HttpServerExchange exchange, AuthResult auth) {
        if (auth.payloadMode() != PayloadMode.UNSIGNED && auth.payloadMode() != PayloadMode.SIGNED_HEX) {
            throw new IllegalArgumentException("the admin API takes a plain body, not " + auth.payloadMode());
        }
        byte[] body;
        try {
            body = exchange.getInputStream().readNBytes(MAX_BODY + 1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (body.length > MAX_BODY) {
            throw new IllegalArgumentException("the body is larger than " + MAX_BODY + " bytes");
        }
        if (auth.payloadMode() == PayloadMode.SIGNED_HEX) {
            String actual;
            try {
                actual = HexFormat.of()
                        .formatHex(MessageDigest.getInstance("SHA-256").digest(body));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
            byte[] signed = auth.payloadSha256().getBytes(StandardCharsets.US_ASCII);
            if (!MessageDigest.isEqual(actual.getBytes(StandardCharsets.US_ASCII), signed)) {
                throw new UsersApi.Failure(
                        400,
                        AuthError.X_AMZ_CONTENT_SHA256_MISMATCH.code(),
                        AuthError.X_AMZ_CONTENT_SHA256_MISMATCH.defaultMessage());
            }
        }
        return new String(body, StandardCharsets.UTF_8);
    }

    private static Map<String, String> parseQuery(String query) {
        Map<String, String> result = new HashMap<>();
        if (query == null || query.isEmpty()) {
            return result;
        }
        for (String pair : query.split("&", -1)) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            result.putIfAbsent(name, eq < 0 ? "" : decode(pair.substring(eq + 1)));
        }
        return result;
    }

    /** RFC 3986 percent-decoding; '+' stays a plus (SigV4 clients encode spaces as %20), as in 10:00+02:00. */
    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }
}
