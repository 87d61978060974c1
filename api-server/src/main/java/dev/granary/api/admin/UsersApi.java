package dev.granary.api.admin;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.granary.auth.JsonReader;
import dev.granary.auth.JsonWriter;
import dev.granary.auth.User;
import dev.granary.auth.UserDirectory;
import dev.granary.auth.UserDirectoryException;
import dev.granary.storage.BucketInfo;
import dev.granary.storage.ObjectStore;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * The users and access keys routes of the admin API, under {@code /admin/v1/users}:
 *
 * <pre>
 * POST   /admin/v1/users                      {"name": N}: 201, the user with its first accessKey and secretKey
 * GET    /admin/v1/users                      200 {"users": [...]}, no secrets
 * GET    /admin/v1/users/N                    200, the user, no secrets
 * PUT    /admin/v1/users/N                    {"enabled": false|true}: 200, the user
 * DELETE /admin/v1/users/N                    204; 409 DeleteConflict while the user owns buckets
 * POST   /admin/v1/users/N/keys               201 {"name", "accessKey", "secretKey", "status", "created"}
 * DELETE /admin/v1/users/N/keys/AK            204
 * </pre>
 *
 * Errors use IAM's codes: 404 NoSuchEntity, 409 EntityAlreadyExists, 409 DeleteConflict, 409 LimitExceeded,
 * 400 ValidationError and InvalidArgument. A secret appears only in the answer that created it.
 */
final class UsersApi {
    static final String PREFIX = "/admin/v1/users";
    /** Bodies are at most {@link AdminHandler#MAX_BODY} bytes; a repeated key is refused, not resolved. */
    private static final JsonReader BODY_JSON = JsonReader.duplicateKeysRefused(AdminHandler.MAX_BODY);

    private final UserDirectory users;
    private final ObjectStore store;

    UsersApi(UserDirectory users, ObjectStore store) {
        this.users = users;
        this.store = store;
    }

    /** An answer: status and a JSON body (null for none). */
    record Reply(int status, String json) {}

    /** An error the admin API answers with as {@code {"code", "message"}}. */
    static final class Failure extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final int status;
        final String code;

        Failure(int status, String code, String message) {
            super(message);
            this.status = status;
            this.code = code;
        }
    }

    Reply handle(String method, String rawPath, String body) {
        List<String> segments = segments(rawPath.substring(PREFIX.length()));
        try {
            return switch (segments.size()) {
                case 0 ->
                    switch (method) {
                        case "POST" -> create(body);
                        case "GET" -> new Reply(200, list());
                        default -> throw notAllowed(method, rawPath);
                    };
                case 1 ->
                    switch (method) {
                        case "GET" -> new Reply(200, json(get(segments.get(0))));
                        case "PUT" -> update(segments.get(0), body);
                        case "DELETE" -> delete(segments.get(0));
                        default -> throw notAllowed(method, rawPath);
                    };
                case 2 -> {
                    requireKeys(segments, rawPath);
                    if (!method.equals("POST")) {
                        throw notAllowed(method, rawPath);
                    }
                    yield createKey(segments.get(0));
                }
                case 3 -> {
                    requireKeys(segments, rawPath);
                    if (!method.equals("DELETE")) {
                        throw notAllowed(method, rawPath);
                    }
                    users.deleteKey(segments.get(0), segments.get(2));
                    yield new Reply(204, null);
                }
                default -> throw notFound(rawPath);
            };
        } catch (UserDirectoryException e) {
            throw new Failure(status(e.reason()), e.reason().code(), e.getMessage());
        }
    }

    private Reply create(String body) {
        Object name = BODY_JSON.parseObject(body).get("name");
        if (!(name instanceof String text)) {
            throw new Failure(400, "ValidationError", "the body must be {\"name\": \"...\"}");
        }
        User.NewKey created = users.create(text);
        return new Reply(201, JsonWriter.write(json -> {
            writeUser(json, created.user());
            json.writeStringField("accessKey", created.accessKey());
            json.writeStringField("secretKey", created.secretKey());
            json.writeEndObject();
        }));
    }

    private String list() {
        return JsonWriter.write(json -> {
            json.writeStartObject();
            json.writeArrayFieldStart("users");
            for (User user : users.list()) {
                writeUser(json, user);
                json.writeEndObject();
            }
            json.writeEndArray();
            json.writeEndObject();
        });
    }

    private User get(String name) {
        return users.get(name).orElseThrow(() -> new Failure(404, "NoSuchEntity", "no user named '" + name + "'"));
    }

    private Reply update(String name, String body) {
        Map<String, Object> fields = BODY_JSON.parseObject(body);
        Object enabled = fields.get("enabled");
        if (!(enabled instanceof Boolean on) || fields.size() != 1) {
            throw new Failure(400, "ValidationError", "the body must be {\"enabled\": true} or {\"enabled\": false}");
        }
        return new Reply(200, json(users.setEnabled(name, on)));
    }

    /**
     * Deletes a user, refused while the account owns buckets (as IAM refuses to delete a user that still has
     * attached resources): its buckets would be left without an owner who can reach them.
     */
    private Reply delete(String name) {
        User user = get(name);
        List<String> owned = store.listBuckets(user.canonicalId()).stream()
                .map(BucketInfo::name)
                .toList();
        if (!owned.isEmpty()) {
            throw new Failure(
                    409,
                    "DeleteConflict",
                    "user '" + user.name() + "' still owns " + owned.size() + " bucket(s) ("
                            + String.join(", ", owned.subList(0, Math.min(5, owned.size())))
                            + (owned.size() > 5 ? ", ..." : "") + "): delete them first");
        }
        users.delete(user.name());
        return new Reply(204, null);
    }

    private Reply createKey(String name) {
        User.NewKey key = users.createKey(name);
        User.AccessKey info = key.user().keys().get(key.user().keys().size() - 1);
        return new Reply(201, JsonWriter.write(json -> {
            json.writeStartObject();
            json.writeStringField("name", key.user().name());
            json.writeStringField("accessKey", key.accessKey());
            json.writeStringField("secretKey", key.secretKey());
            json.writeStringField("status", status(key.user()));
            json.writeStringField("created", info.created().toString());
            json.writeEndObject();
        }));
    }

    /** A user without secrets. */
    private static String json(User user) {
        return JsonWriter.write(json -> {
            writeUser(json, user);
            json.writeEndObject();
        });
    }

    /**
     * Writes a user's members without secrets, leaving its object open for the caller to add to and close; a
     * key's status is its user's (keys cannot be deactivated one by one yet).
     */
    private static void writeUser(JsonGenerator json, User user) throws IOException {
        json.writeStartObject();
        json.writeStringField("name", user.name());
        json.writeStringField("canonicalId", user.canonicalId());
        json.writeStringField("displayName", user.name());
        json.writeBooleanField("enabled", user.enabled());
        json.writeStringField("created", user.created().toString());
        json.writeArrayFieldStart("accessKeys");
        for (User.AccessKey k : user.keys()) {
            json.writeStartObject();
            json.writeStringField("accessKey", k.accessKey());
            json.writeStringField("status", status(user));
            json.writeStringField("created", k.created().toString());
            json.writeEndObject();
        }
        json.writeEndArray();
    }

    private static String status(User user) {
        return user.enabled() ? "Active" : "Inactive";
    }

    private static int status(UserDirectoryException.Reason reason) {
        return switch (reason) {
            case NO_SUCH_USER, NO_SUCH_ACCESS_KEY -> 404;
            case USER_EXISTS, TOO_MANY_KEYS -> 409;
            case INVALID_NAME -> 400;
        };
    }

    private static void requireKeys(List<String> segments, String rawPath) {
        if (!segments.get(1).equals("keys")) {
            throw notFound(rawPath);
        }
    }

    /** The percent-decoded segments after the prefix; an empty path or a lone "/" has none. */
    private static List<String> segments(String rest) {
        if (rest.isEmpty() || rest.equals("/")) {
            return List.of();
        }
        if (!rest.startsWith("/")) {
            throw notFound(PREFIX + rest);
        }
        String trimmed = rest.endsWith("/") ? rest.substring(1, rest.length() - 1) : rest.substring(1);
        return java.util.Arrays.stream(trimmed.split("/", -1))
                .map(s -> URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8))
                .toList();
    }

    private static Failure notFound(String path) {
        return new Failure(404, "NotFound", "no such admin resource: " + path);
    }

    private static Failure notAllowed(String method, String path) {
        return new Failure(405, "MethodNotAllowed", method + " is not allowed on " + path);
    }
}
