package dev.granary.api.route;

import static org.assertj.core.api.Assertions.assertThat;

import dev.granary.api.http.UrlCodec;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Request lines from the AWS S3 API reference, path style and virtual-hosted style. */
class S3RouterTest {
    private final S3Router router = new S3Router("s3.example.com");

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "GET    | /                                   | -             | LIST_BUCKETS",
                "PUT    | /bucket                             | -             | CREATE_BUCKET",
                "HEAD   | /bucket                             | -             | HEAD_BUCKET",
                "DELETE | /bucket                             | -             | DELETE_BUCKET",
                "GET    | /bucket?location                    | -             | GET_BUCKET_LOCATION",
                "GET    | /bucket?versioning                  | -             | GET_BUCKET_VERSIONING",
                "GET    | /bucket?acl                         | -             | GET_BUCKET_ACL",
                "GET    | /bucket?versions&prefix=a           | -             | LIST_OBJECT_VERSIONS",
                "GET    | /bucket                             | -             | LIST_OBJECTS",
                "GET    | /bucket/                            | -             | LIST_OBJECTS",
                "GET    | /bucket?list-type=2&prefix=a        | -             | LIST_OBJECTS_V2",
                "GET    | /bucket?uploads                     | -             | LIST_MULTIPART_UPLOADS",
                "POST   | /bucket?delete                      | -             | DELETE_OBJECTS",
                "POST   | /bucket                             | -             | POST_OBJECT",
                "GET    | /bucket?cors                        | -             | GET_BUCKET_CORS",
                "PUT    | /bucket?cors                        | -             | PUT_BUCKET_CORS",
                "DELETE | /bucket?cors                        | -             | DELETE_BUCKET_CORS",
                "OPTIONS| /bucket/key                         | -             | CORS_PREFLIGHT",
                "OPTIONS| /bucket                             | -             | CORS_PREFLIGHT",
                "GET    | /bucket?lifecycle                   | -             | GET_BUCKET_LIFECYCLE",
                "PUT    | /bucket?lifecycle                   | -             | PUT_BUCKET_LIFECYCLE",
                "DELETE | /bucket?lifecycle                   | -             | DELETE_BUCKET_LIFECYCLE",
                "PUT    | /bucket?versioning                  | -             | PUT_BUCKET_VERSIONING",
                "PUT    | /bucket?policy                      | -             | PUT_BUCKET_POLICY",
                "GET    | /bucket?policy                      | -             | GET_BUCKET_POLICY",
                "DELETE | /bucket?policy                      | -             | DELETE_BUCKET_POLICY",
                "GET    | /bucket?policyStatus                | -             | GET_BUCKET_POLICY_STATUS",
                "PUT    | /bucket?acl                         | -             | PUT_BUCKET_ACL",
                "GET    | /bucket?publicAccessBlock           | -             | GET_PUBLIC_ACCESS_BLOCK",
                "PUT    | /bucket?publicAccessBlock           | -             | PUT_PUBLIC_ACCESS_BLOCK",
                "DELETE | /bucket?publicAccessBlock           | -             | DELETE_PUBLIC_ACCESS_BLOCK",
                "PUT    | /bucket/key?acl                     | -             | PUT_OBJECT_ACL",
                "GET    | /bucket?tagging                     | -             | GET_BUCKET_TAGGING",
                "PUT    | /bucket?tagging                     | -             | PUT_BUCKET_TAGGING",
                "DELETE | /bucket?tagging                     | -             | DELETE_BUCKET_TAGGING",
                "GET    | /bucket?encryption                  | -             | GET_BUCKET_ENCRYPTION",
                "PUT    | /bucket?encryption                  | -             | PUT_BUCKET_ENCRYPTION",
                "DELETE | /bucket?encryption                  | -             | DELETE_BUCKET_ENCRYPTION",
                "PUT    | /bucket/key                         | -             | PUT_OBJECT",
                "PUT    | /bucket/key                         | copy          | COPY_OBJECT",
                "GET    | /bucket/key                         | -             | GET_OBJECT",
                "GET    | /bucket/key?partNumber=2            | -             | GET_OBJECT",
                "HEAD   | /bucket/key                         | -             | HEAD_OBJECT",
                "DELETE | /bucket/key                         | -             | DELETE_OBJECT",
                "GET    | /bucket/key?acl                     | -             | GET_OBJECT_ACL",
                "GET    | /bucket/key?attributes              | -             | GET_OBJECT_ATTRIBUTES",
                "POST   | /bucket/example-object?uploads      | -             | CREATE_MULTIPART_UPLOAD",
                "PUT    | /bucket/key?partNumber=1&uploadId=u | -             | UPLOAD_PART",
                "PUT    | /bucket/key?partNumber=1&uploadId=u | copy          | UPLOAD_PART_COPY",
                "POST   | /bucket/key?uploadId=u              | -             | COMPLETE_MULTIPART_UPLOAD",
                "DELETE | /bucket/key?uploadId=u              | -             | ABORT_MULTIPART_UPLOAD",
                "GET    | /bucket/key?uploadId=u              | -             | LIST_PARTS",
                "GET    | /bucket/key?tagging                 | -             | GET_OBJECT_TAGGING",
                "PUT    | /bucket/key?tagging                 | -             | PUT_OBJECT_TAGGING",
                "DELETE | /bucket/key?tagging                 | -             | DELETE_OBJECT_TAGGING",
                "GET    | /bucket/key?retention               | -             | UNSUPPORTED_OBJECT_SUBRESOURCE",
                "PATCH  | /bucket/key                         | -             | METHOD_NOT_ALLOWED",
                "GET    | /health                             | -             | HEALTH",
                "GET    | /minio/health/live                  | -             | HEALTH",
            })
    void pathStyle(String method, String target, String copy, S3Operation expected) {
        assertThat(route(method, "s3.example.com", target, copy).operation()).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "GET    | /                         | LIST_OBJECTS",
                "GET    | /?list-type=2             | LIST_OBJECTS_V2",
                "PUT    | /                         | CREATE_BUCKET",
                "PUT    | /photos/2006/january.jpg  | PUT_OBJECT",
                "POST   | /example-object?uploads   | CREATE_MULTIPART_UPLOAD",
                "GET    | /health                   | GET_OBJECT",
            })
    void virtualHostedStyle(String method, String target, S3Operation expected) {
        Route route = route(method, "my-bucket.s3.example.com:9000", target, "-");
        assertThat(route.operation()).isEqualTo(expected);
        assertThat(route.bucket()).isEqualTo("my-bucket");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "/bucket/a/b/c.txt | bucket | a/b/c.txt",
                "/bucket/a%2Fb     | bucket | a/b",
                "/bucket/with%20space+plus | bucket | with space+plus",
                "/bucket//double   | bucket | /double",
            })
    void bucketAndKeyAreDecodedFromThePath(String target, String bucket, String key) {
        Route route = route("GET", "localhost", target, "-");
        assertThat(route.bucket()).isEqualTo(bucket);
        assertThat(route.key()).isEqualTo(key);
    }

    private Route route(String method, String host, String target, String copy) {
        int q = target.indexOf('?');
        String path = q < 0 ? target : target.substring(0, q);
        String query = q < 0 ? null : target.substring(q + 1);
        return router.route(
                method, host, UrlCodec.decode(path, false), UrlCodec.parseQuery(query), copy.equals("copy"));
    }
}
