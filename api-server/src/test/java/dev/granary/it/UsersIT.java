package dev.granary.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.granary.auth.SigV4Signer;
import dev.granary.auth.SignableRequest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.Bucket;
import software.amazon.awssdk.services.s3.model.ListBucketsResponse;
import software.amazon.awssdk.services.s3.model.Owner;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Users and access keys through the admin API, each user its own account: keys that work, a second key, a deleted
 * key, a disabled user, ownership between users, owner names in S3 documents, the admin API closed to everyone but
 * root, durability across a restart, and secrets kept out of the data folder and the log.
 */
class UsersIT {
    @RegisterExtension
    static final GranaryServerExtension server = new GranaryServerExtension();

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    /** A user as the admin API created it. */
    record Created(String name, String canonicalId, String accessKey, String secretKey) {}

    // ---- the admin API, signed with SigV4 like any S3 client would

    static HttpResponse<String> admin(
            URI admin, String method, String path, String body, String accessKey, String secret) throws Exception {
        byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        SigV4Signer signer = new SigV4Signer(accessKey, secret, "us-east-1");
        Map<String, List<String>> headers = new TreeMap<>();
        headers.put("host", List.of("127.0.0.1:" + admin.getPort()));
        SignableRequest signed = signer.sign(
                new SignableRequest(method, path, null, headers), SignedHttp.sha256Hex(bytes), Instant.now());
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(admin + path))
                .method(method, HttpRequest.BodyPublishers.ofByteArray(bytes));
        signed.headers().forEach((name, values) -> {
            if (!name.equals("host")) {
                values.forEach(v -> request.header(name, v));
            }
        });
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> root(URI admin, String method, String path, String body) throws Exception {
        return admin(admin, method, path, body, GranaryServerExtension.ACCESS_KEY, GranaryServerExtension.SECRET_KEY);
    }

    private static HttpResponse<String> root(String method, String path, String body) throws Exception {
        return root(server.adminUri(), method, path, body);
    }

    static Created createUser(URI admin, String name) throws Exception {
        HttpResponse<String> r = root(admin, "POST", "/admin/v1/users", "{\"name\":\"" + name + "\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return new Created(
                field(r.body(), "name"),
                field(r.body(), "canonicalId"),
                field(r.body(), "accessKey"),
                field(r.body(), "secretKey"));
    }

    static String field(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\":\"([^\"]*)\"").matcher(json);
        assertThat(m.find()).as(name + " in " + json).isTrue();
        return m.group(1);
    }

    static S3Client client(URI endpoint, String accessKey, String secretKey) {
        return S3Client.builder()
                .endpointOverride(endpoint)
                .region(Region.US_EAST_1)
                .forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey)))
                .httpClient(UrlConnectionHttpClient.create())
                .build();
    }

    private static S3Client client(Created user) {
        return client(server.uri(), user.accessKey(), user.secretKey());
    }

    private static S3Client client(String accessKey, String secretKey) {
        return client(server.uri(), accessKey, secretKey);
    }

    private static void assertS3Error(Runnable call, int status, String code) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(S3Exception.class, e -> {
            assertThat(e.statusCode()).isEqualTo(status);
            assertThat(e.awsErrorDetails().errorCode()).isEqualTo(code);
        });
    }

    private static void assertJsonError(HttpResponse<String> r, int status, String code) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("content-type")).contains("application/json");
        assertThat(field(r.body(), "code")).isEqualTo(code);
        assertThat(field(r.body(), "message")).isNotBlank();
    }

    // ---- tests

    @Test
    void createdUsersKeyWorksAndAnotherUserCanNeitherReadNorSeeItsBuckets() throws Exception {
        Created alice = createUser(server.adminUri(), "alice");
        assertThat(alice.name()).isEqualTo("alice");
        assertThat(alice.canonicalId()).matches("[0-9a-f]{64}");
        assertThat(alice.accessKey()).matches("GK[A-Z0-9]{18}");
        assertThat(alice.secretKey()).matches("[A-Za-z0-9+/]{40}");
        Created bob = createUser(server.adminUri(), "bob");
        assertThat(bob.canonicalId()).isNotEqualTo(alice.canonicalId());

        S3Client a = client(alice);
        a.createBucket(b -> b.bucket("alice-private"));
        a.putObject(b -> b.bucket("alice-private").key("diary.txt"), RequestBody.fromString("dear diary"));
        assertThat(a.getObjectAsBytes(b -> b.bucket("alice-private").key("diary.txt"))
                        .asUtf8String())
                .isEqualTo("dear diary");
        ListBucketsResponse aliceBuckets = a.listBuckets();
        assertThat(aliceBuckets.buckets()).extracting(Bucket::name).containsExactly("alice-private");
        assertThat(aliceBuckets.owner())
                .isEqualTo(Owner.builder()
                        .id(alice.canonicalId())
                        .displayName("alice")
                        .build());

        S3Client b = client(bob);
        assertS3Error(() -> b.getObjectAsBytes(r -> r.bucket("alice-private").key("diary.txt")), 403, "AccessDenied");
        assertS3Error(
                () -> b.putObject(r -> r.bucket("alice-private").key("graffiti"), RequestBody.fromString("x")),
                403,
                "AccessDenied");
        assertS3Error(() -> b.listObjectsV2(r -> r.bucket("alice-private")), 403, "AccessDenied");
        assertThat(b.listBuckets().buckets()).extracting(Bucket::name).doesNotContain("alice-private");
        assertThat(server.client().listBuckets().buckets())
                .extracting(Bucket::name)
                .doesNotContain("alice-private");
        // A bucket name is global: bob cannot take alice's.
        assertS3Error(() -> b.createBucket(r -> r.bucket("alice-private")), 409, "BucketAlreadyExists");
    }

    @Test
    void ownerFieldsShowTheOwningUsersIdAndName() throws Exception {
        Created carol = createUser(server.adminUri(), "carol");
        Owner owner =
                Owner.builder().id(carol.canonicalId()).displayName("carol").build();
        S3Client c = client(carol);
        c.createBucket(b -> b.bucket("carol-bucket"));
        c.putObject(b -> b.bucket("carol-bucket").key("k"), RequestBody.fromString("v"));
        assertThat(c.listObjectsV2(b -> b.bucket("carol-bucket").fetchOwner(true))
                        .contents()
                        .get(0)
                        .owner())
                .isEqualTo(owner);
        assertThat(c.listObjects(b -> b.bucket("carol-bucket"))
                        .contents()
                        .get(0)
                        .owner())
                .isEqualTo(owner);
        assertThat(c.getBucketAcl(b -> b.bucket("carol-bucket")).owner()).isEqualTo(owner);
        assertThat(c.getObjectAcl(b -> b.bucket("carol-bucket").key("k")).owner())
                .isEqualTo(owner);
        String uploadId =
                c.createMultipartUpload(b -> b.bucket("carol-bucket").key("mp")).uploadId();
        var parts = c.listParts(b -> b.bucket("carol-bucket").key("mp").uploadId(uploadId));
        assertThat(parts.owner()).isEqualTo(owner);
        assertThat(parts.initiator().id()).isEqualTo(carol.canonicalId());
        assertThat(parts.initiator().displayName()).isEqualTo("carol");
        var uploads = c.listMultipartUploads(b -> b.bucket("carol-bucket")).uploads();
        assertThat(uploads).singleElement().satisfies(u -> {
            assertThat(u.owner()).isEqualTo(owner);
            assertThat(u.initiator().displayName()).isEqualTo("carol");
        });
        c.abortMultipartUpload(b -> b.bucket("carol-bucket").key("mp").uploadId(uploadId));
        // Root keeps its own name.
        assertThat(server.client().listBuckets().owner().displayName()).isEqualTo(GranaryServerExtension.ACCESS_KEY);
    }

    @Test
    void secondKeyWorksAndADeletedKeyIsAnUnknownKey() throws Exception {
        Created dave = createUser(server.adminUri(), "dave");
        HttpResponse<String> r = root("POST", "/admin/v1/users/dave/keys", null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        String secondKey = field(r.body(), "accessKey");
        String secondSecret = field(r.body(), "secretKey");
        assertThat(secondKey).isNotEqualTo(dave.accessKey());

        S3Client second = client(secondKey, secondSecret);
        second.createBucket(b -> b.bucket("dave-bucket"));
        // Both keys act for the same account.
        assertThat(client(dave).listBuckets().buckets())
                .extracting(Bucket::name)
                .containsExactly("dave-bucket");

        HttpResponse<String> user = root("GET", "/admin/v1/users/dave", null);
        assertThat(user.statusCode()).isEqualTo(200);
        assertThat(user.body()).contains(dave.accessKey(), secondKey, "\"status\":\"Active\"");
        assertThat(user.body()).doesNotContain(dave.secretKey(), secondSecret);

        HttpResponse<String> deleted = root("DELETE", "/admin/v1/users/dave/keys/" + dave.accessKey(), null);
        assertThat(deleted.statusCode()).as(deleted.body()).isEqualTo(204);
        assertS3Error(() -> client(dave).listBuckets(), 403, "InvalidAccessKeyId");
        assertThat(second.listBuckets().buckets()).extracting(Bucket::name).containsExactly("dave-bucket");
        assertJsonError(root("DELETE", "/admin/v1/users/dave/keys/" + dave.accessKey(), null), 404, "NoSuchEntity");
    }

    @Test
    void disabledUserIsRejectedAndWorksAgainOnceEnabled() throws Exception {
        Created erin = createUser(server.adminUri(), "erin");
        S3Client e = client(erin);
        e.createBucket(b -> b.bucket("erin-bucket"));

        HttpResponse<String> off = root("PUT", "/admin/v1/users/erin", "{\"enabled\": false}");
        assertThat(off.statusCode()).as(off.body()).isEqualTo(200);
        assertThat(off.body()).contains("\"enabled\":false", "\"status\":\"Inactive\"");
        assertS3Error(() -> e.listBuckets(), 403, "InvalidAccessKeyId");
        assertS3Error(() -> e.headBucket(b -> b.bucket("erin-bucket")), 403, null);

        HttpResponse<String> on = root("PUT", "/admin/v1/users/ERIN", "{\"enabled\":true}");
        assertThat(on.statusCode()).as(on.body()).isEqualTo(200);
        assertThat(e.listBuckets().buckets()).extracting(Bucket::name).containsExactly("erin-bucket");
    }

    @Test
    void listShowsUsersAndKeysButNoSecrets() throws Exception {
        Created frank = createUser(server.adminUri(), "frank");
        HttpResponse<String> r = root("GET", "/admin/v1/users", null);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body())
                .startsWith("{\"users\":[")
                .contains("\"name\":\"frank\"", frank.canonicalId(), frank.accessKey())
                .contains("\"enabled\":true", "\"created\":")
                .doesNotContain(frank.secretKey())
                .doesNotContain("secretKey")
                .doesNotContain("sealed");
    }

    @Test
    void badRequestsGetJsonErrors() throws Exception {
        createUser(server.adminUri(), "gina");
        assertJsonError(root("POST", "/admin/v1/users", "{\"name\":\"GINA\"}"), 409, "EntityAlreadyExists");
        assertJsonError(root("POST", "/admin/v1/users", "{\"name\":\"has space\"}"), 400, "ValidationError");
        String tooLong = "{\"name\":\"" + "x".repeat(65) + "\"}";
        assertJsonError(root("POST", "/admin/v1/users", tooLong), 400, "ValidationError");
        assertJsonError(root("POST", "/admin/v1/users", "{\"name\":\"\"}"), 400, "ValidationError");
        assertJsonError(root("POST", "/admin/v1/users", "{}"), 400, "ValidationError");
        assertJsonError(root("POST", "/admin/v1/users", "not json"), 400, "InvalidArgument");
        assertJsonError(root("POST", "/admin/v1/users", "{\"name\":\"hank\"} {}"), 400, "InvalidArgument");
        assertJsonError(root("POST", "/admin/v1/users", "[".repeat(60_000)), 400, "InvalidArgument");
        // A repeated key is refused, not resolved: two readers could take different values from it.
        assertJsonError(
                root("PUT", "/admin/v1/users/gina", "{\"enabled\":true,\"enabled\":false}"), 400, "InvalidArgument");
        assertThat(field(root("GET", "/admin/v1/users/gina", null).body(), "name"))
                .isEqualTo("gina");
        assertThat(root("GET", "/admin/v1/users/gina", null).body()).contains("\"enabled\":true");
        assertJsonError(root("GET", "/admin/v1/users/hank", null), 404, "NoSuchEntity");
        assertJsonError(root("GET", "/admin/v1/users/nobody", null), 404, "NoSuchEntity");
        assertJsonError(root("PUT", "/admin/v1/users/nobody", "{\"enabled\":false}"), 404, "NoSuchEntity");
        assertJsonError(root("PUT", "/admin/v1/users/gina", "{\"enabled\":\"no\"}"), 400, "ValidationError");
        assertJsonError(root("DELETE", "/admin/v1/users/nobody", null), 404, "NoSuchEntity");
        assertJsonError(root("POST", "/admin/v1/users/nobody/keys", null), 404, "NoSuchEntity");
        assertJsonError(root("PATCH", "/admin/v1/users/gina", "{}"), 405, "MethodNotAllowed");
        assertJsonError(root("GET", "/admin/v1/users/gina/other", null), 404, "NotFound");
    }

    @Test
    void userOwningBucketsCannotBeDeletedAndADeletedUsersKeysStopWorking() throws Exception {
        Created henry = createUser(server.adminUri(), "henry");
        S3Client h = client(henry);
        h.createBucket(b -> b.bucket("henry-bucket"));
        assertJsonError(root("DELETE", "/admin/v1/users/henry", null), 409, "DeleteConflict");
        assertThat(root("GET", "/admin/v1/users/henry", null).statusCode()).isEqualTo(200);

        h.deleteBucket(b -> b.bucket("henry-bucket"));
        HttpResponse<String> deleted = root("DELETE", "/admin/v1/users/henry", null);
        assertThat(deleted.statusCode()).as(deleted.body()).isEqualTo(204);
        assertS3Error(() -> h.listBuckets(), 403, "InvalidAccessKeyId");
        assertJsonError(root("GET", "/admin/v1/users/henry", null), 404, "NoSuchEntity");
    }

    @Test
    void onlyRootMayCallTheAdminApi() throws Exception {
        Created ivan = createUser(server.adminUri(), "ivan");
        URI admin = server.adminUri();
        assertJsonError(
                admin(admin, "GET", "/admin/v1/users", null, ivan.accessKey(), ivan.secretKey()), 403, "AccessDenied");
        assertJsonError(
                admin(admin, "POST", "/admin/v1/users", "{\"name\":\"mallory\"}", ivan.accessKey(), ivan.secretKey()),
                403,
                "AccessDenied");
        assertJsonError(
                admin(admin, "POST", "/admin/v1/users/ivan/keys", null, ivan.accessKey(), ivan.secretKey()),
                403,
                "AccessDenied");
        assertJsonError(
                admin(admin, "GET", "/admin/v1/usage", null, ivan.accessKey(), ivan.secretKey()), 403, "AccessDenied");
        assertJsonError(
                admin(admin, "GET", "/admin/v1/users", null, "GKNOSUCHKEY000000000", "x".repeat(40)),
                403,
                "InvalidAccessKeyId");
        HttpResponse<String> anonymous = HTTP.send(
                HttpRequest.newBuilder(URI.create(admin + "/admin/v1/users")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertJsonError(anonymous, 403, "AccessDenied");
        assertJsonError(root("GET", "/admin/v1/users/mallory", null), 404, "NoSuchEntity");
    }

    @Test
    void tamperedBodyIsRefused() throws Exception {
        // Signed for one body, sent with another: the payload hash no longer matches.
        byte[] signedFor = "{\"name\":\"judy\"}".getBytes(StandardCharsets.UTF_8);
        SigV4Signer signer =
                new SigV4Signer(GranaryServerExtension.ACCESS_KEY, GranaryServerExtension.SECRET_KEY, "us-east-1");
        Map<String, List<String>> headers = new TreeMap<>();
        headers.put("host", List.of("127.0.0.1:" + server.adminUri().getPort()));
        SignableRequest signed = signer.sign(
                new SignableRequest("POST", "/admin/v1/users", null, headers),
                SignedHttp.sha256Hex(signedFor),
                Instant.now());
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.adminUri() + "/admin/v1/users"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"mallory\"}"));
        signed.headers().forEach((name, values) -> {
            if (!name.equals("host")) {
                values.forEach(v -> request.header(name, v));
            }
        });
        HttpResponse<String> r = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertJsonError(r, 400, "XAmzContentSHA256Mismatch");
        assertJsonError(root("GET", "/admin/v1/users/mallory", null), 404, "NoSuchEntity");
    }

    @Test
    void usersSurviveARestartWhileSecretsStayOutOfTheDataFolderAndTheLog(@TempDir Path tmp) throws Exception {
        Path data = tmp.resolve("data");
        Path log = tmp.resolve("data-server.log");
        int port = ServerProcess.freePort();
        int adminPort = ServerProcess.freePort();
        URI admin = URI.create("http://127.0.0.1:" + adminPort);
        URI s3 = URI.create("http://127.0.0.1:" + port);
        Created kate;
        Process first = ServerProcess.start(data, port, adminPort, "--admin-port", Integer.toString(adminPort));
        try {
            kate = createUser(admin, "kate");
            client(s3, kate.accessKey(), kate.secretKey()).createBucket(b -> b.bucket("kate-bucket"));
            assertThat(root(admin, "PUT", "/admin/v1/users/kate", "{\"enabled\":false}")
                            .statusCode())
                    .isEqualTo(200);
            assertThat(root(admin, "PUT", "/admin/v1/users/kate", "{\"enabled\":true}")
                            .statusCode())
                    .isEqualTo(200);
        } finally {
            first.destroy(); // SIGTERM: a graceful stop
            assertThat(first.waitFor(60, TimeUnit.SECONDS)).isTrue();
        }
        Path keyFile = data.resolve("master.key");
        assertThat(keyFile).exists();
        if (Files.getFileStore(keyFile).supportsFileAttributeView("posix")) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile)))
                    .isEqualTo("rw-------");
        }
        String masterKey = Files.readString(keyFile).strip();

        Process second = ServerProcess.start(data, port, adminPort, "--admin-port", Integer.toString(adminPort));
        try {
            S3Client k = client(s3, kate.accessKey(), kate.secretKey());
            assertThat(k.listBuckets().buckets()).extracting(Bucket::name).containsExactly("kate-bucket");
            assertThat(k.listBuckets().owner().id()).isEqualTo(kate.canonicalId());
            HttpResponse<String> user = root(admin, "GET", "/admin/v1/users/kate", null);
            assertThat(user.statusCode()).isEqualTo(200);
            assertThat(user.body()).contains(kate.canonicalId(), kate.accessKey(), "\"enabled\":true");
        } finally {
            second.destroy();
            assertThat(second.waitFor(60, TimeUnit.SECONDS)).isTrue();
        }

        // Every file of the data folder (RocksDB's SSTs, WAL, MANIFEST; the key file) and the log.
        List<Path> files = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(data)) {
            walk.filter(Files::isRegularFile).forEach(files::add);
        }
        assertThat(files)
                .anyMatch(p -> p.toString().endsWith(".sst") || p.toString().endsWith(".log"));
        // The bytes of a record need not lie in one piece: RocksDB LZ4-compresses SST blocks (a run that repeats
        // earlier in a block becomes a back-reference) and splits WAL records at its 32 KiB block boundaries. So
        // the secret must not appear even in part (any 12 of its characters in a row), and the record is seen when
        // some 8 consecutive characters of the access key id are.
        List<byte[]> secretParts = windows(kate.secretKey(), 12);
        List<byte[]> accessKeyParts = windows(kate.accessKey(), 8);
        boolean recordSeen = false;
        for (Path file : files) {
            byte[] content = Files.readAllBytes(file);
            for (byte[] part : secretParts) {
                assertThat(indexOf(content, part)).as(file.toString()).isEqualTo(-1);
            }
            for (byte[] part : accessKeyParts) {
                recordSeen |= indexOf(content, part) >= 0;
            }
        }
        // The scan does see the user's record in its raw bytes (the access key id is stored in the clear).
        assertThat(recordSeen).isTrue();
        String serverLog = Files.readString(log);
        assertThat(serverLog).contains("generated a new master key");
        assertThat(serverLog).doesNotContain(kate.secretKey()).doesNotContain(masterKey);

        // Another master key cannot open the users: the server refuses to start, saying why.
        String otherKey = java.util.Base64.getEncoder().encodeToString(new byte[32]);
        assertThatThrownBy(() -> ServerProcess.start(
                        data, port, adminPort, "--admin-port", Integer.toString(adminPort), "--master-key", otherKey))
                .hasMessageContaining("different master key");
    }

    /** Every run of {@code width} consecutive characters of {@code text}, as ASCII bytes. */
    private static List<byte[]> windows(String text, int width) {
        List<byte[]> parts = new ArrayList<>();
        for (int i = 0; i + width <= text.length(); i++) {
            parts.add(text.substring(i, i + width).getBytes(StandardCharsets.US_ASCII));
        }
        return parts;
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
