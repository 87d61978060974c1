package dev.granary.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.ListMultipartUploadsResponse;
import software.amazon.awssdk.services.s3.model.ListPartsResponse;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.NoSuchUploadException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;
import software.amazon.awssdk.transfer.s3.S3TransferManager;
import software.amazon.awssdk.transfer.s3.model.FileUpload;

class MultipartIT {
    @RegisterExtension
    static final GranaryServerExtension server = new GranaryServerExtension();

    private static final String BUCKET = "multipart";
    private static final int MIB = 1024 * 1024;
    private final S3Client s3 = server.client();

    @BeforeAll
    static void createBucket() {
        server.client().createBucket(b -> b.bucket(BUCKET));
    }

    private String upload(String key, byte[]... parts) {
        String uploadId =
                s3.createMultipartUpload(b -> b.bucket(BUCKET).key(key)).uploadId();
        List<CompletedPart> completed = new ArrayList<>();
        for (int i = 0; i < parts.length; i++) {
            int n = i + 1;
            UploadPartResponse r = s3.uploadPart(
                    b -> b.bucket(BUCKET).key(key).uploadId(uploadId).partNumber(n),
                    RequestBody.fromBytes(parts[n - 1]));
            completed.add(CompletedPart.builder().partNumber(n).eTag(r.eTag()).build());
        }
        s3.completeMultipartUpload(
                b -> b.bucket(BUCKET).key(key).uploadId(uploadId).multipartUpload(m -> m.parts(completed)));
        return uploadId;
    }

    @Test
    void aRetriedCompletionAnswersTheSameAndAnotherUploadIdStillFails() {
        String uploadId = s3.createMultipartUpload(b -> b.bucket(BUCKET).key("mp/retried"))
                .uploadId();
        String etag = s3.uploadPart(
                        b -> b.bucket(BUCKET)
                                .key("mp/retried")
                                .uploadId(uploadId)
                                .partNumber(1),
                        RequestBody.fromString("only part"))
                .eTag();
        var complete = software.amazon.awssdk.services.s3.model.CompletedMultipartUpload.builder()
                .parts(CompletedPart.builder().partNumber(1).eTag(etag).build())
                .build();
        var first = s3.completeMultipartUpload(
                b -> b.bucket(BUCKET).key("mp/retried").uploadId(uploadId).multipartUpload(complete));
        var again = s3.completeMultipartUpload(
                b -> b.bucket(BUCKET).key("mp/retried").uploadId(uploadId).multipartUpload(complete));
        assertThat(again.eTag()).isEqualTo(first.eTag());
        assertErrorCode(
                () -> s3.completeMultipartUpload(b ->
                        b.bucket(BUCKET).key("mp/retried").uploadId("another").multipartUpload(complete)),
                "NoSuchUpload");
        // A copy of the object is not the upload's: completing it again under the copy's key fails.
        s3.copyObject(b -> b.sourceBucket(BUCKET)
                .sourceKey("mp/retried")
                .destinationBucket(BUCKET)
                .destinationKey("mp/retried-copy"));
        assertErrorCode(
                () -> s3.completeMultipartUpload(b -> b.bucket(BUCKET)
                        .key("mp/retried-copy")
                        .uploadId(uploadId)
                        .multipartUpload(complete)),
                "NoSuchUpload");
    }

    @Test
    void completedUploadHasTheConcatenatedBytesAndTheMultipartEtag() throws Exception {
        byte[] p1 = ObjectIT.randomBytes(5 * MIB, 1);
        byte[] p2 = ObjectIT.randomBytes(5 * MIB, 2);
        byte[] p3 = ObjectIT.randomBytes(1234, 3);
        upload("mp/three", p1, p2, p3);
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        ByteArrayOutputStream md5s = new ByteArrayOutputStream();
        for (byte[] p : List.of(p1, p2, p3)) {
            all.write(p);
            md5s.write(MessageDigest.getInstance("MD5").digest(p));
        }
        String expectedEtag =
                "\"" + HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(md5s.toByteArray())) + "-3\"";
        var got = s3.getObjectAsBytes(b -> b.bucket(BUCKET).key("mp/three"));
        assertThat(got.asByteArray()).isEqualTo(all.toByteArray());
        assertThat(got.response().eTag()).isEqualTo(expectedEtag);
        var part2 = s3.getObjectAsBytes(b -> b.bucket(BUCKET).key("mp/three").partNumber(2));
        assertThat(part2.asByteArray()).isEqualTo(p2);
        assertThat(part2.response().partsCount()).isEqualTo(3);
        assertThat(part2.response().contentRange())
                .isEqualTo("bytes " + 5 * MIB + "-" + (10 * MIB - 1) + "/" + all.size());
        // A range across the part boundary.
        byte[] across = s3.getObjectAsBytes(
                        b -> b.bucket(BUCKET).key("mp/three").range("bytes=" + (5 * MIB - 10) + "-" + (5 * MIB + 9)))
                .asByteArray();
        byte[] expected = new byte[20];
        System.arraycopy(all.toByteArray(), 5 * MIB - 10, expected, 0, 20);
        assertThat(across).isEqualTo(expected);
    }

    @Test
    void transferManagerUploadsAndDownloadsALargeFile(@TempDir Path dir) throws Exception {
        Path source = dir.resolve("big.bin");
        byte[] data = ObjectIT.randomBytes(40 * MIB + 123, 9);
        Files.write(source, data);
        try (S3AsyncClient async = server.asyncClient();
                S3TransferManager tm =
                        S3TransferManager.builder().s3Client(async).build()) {
            FileUpload upload = tm.uploadFile(
                    u -> u.source(source).putObjectRequest(p -> p.bucket(BUCKET).key("tm/big")));
            upload.completionFuture().join();
            Path target = dir.resolve("back.bin");
            tm.downloadFile(d -> d.destination(target)
                            .getObjectRequest(g -> g.bucket(BUCKET).key("tm/big")))
                    .completionFuture()
                    .join();
            assertThat(Files.readAllBytes(target)).isEqualTo(data);
        }
        assertThat(s3.headObject(b -> b.bucket(BUCKET).key("tm/big")).eTag()).contains("-");
    }

    @Test
    void partsBelowFiveMibOtherThanTheLastFailWithEntityTooSmall() {
        String uploadId =
                s3.createMultipartUpload(b -> b.bucket(BUCKET).key("small")).uploadId();
        String e1 = s3.uploadPart(
                        b -> b.bucket(BUCKET).key("small").uploadId(uploadId).partNumber(1),
                        RequestBody.fromBytes(new byte[1000]))
                .eTag();
        String e2 = s3.uploadPart(
                        b -> b.bucket(BUCKET).key("small").uploadId(uploadId).partNumber(2),
                        RequestBody.fromBytes(new byte[1000]))
                .eTag();
        assertThatThrownBy(() -> s3.completeMultipartUpload(b -> b.bucket(BUCKET)
                        .key("small")
                        .uploadId(uploadId)
                        .multipartUpload(m -> m.parts(
                                CompletedPart.builder().partNumber(1).eTag(e1).build(),
                                CompletedPart.builder().partNumber(2).eTag(e2).build()))))
                .isInstanceOfSatisfying(
                        S3Exception.class,
                        e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("EntityTooSmall"));
        // A single small part is fine: it is the last one.
        s3.completeMultipartUpload(b -> b.bucket(BUCKET)
                .key("small")
                .uploadId(uploadId)
                .multipartUpload(m ->
                        m.parts(CompletedPart.builder().partNumber(2).eTag(e2).build())));
        assertThat(s3.getObjectAsBytes(b -> b.bucket(BUCKET).key("small")).asByteArray())
                .hasSize(1000);
    }

    @Test
    void wrongEtagsAndOrderFailWithInvalidPartAndInvalidPartOrder() {
        String uploadId =
                s3.createMultipartUpload(b -> b.bucket(BUCKET).key("bad")).uploadId();
        String e1 = s3.uploadPart(
                        b -> b.bucket(BUCKET).key("bad").uploadId(uploadId).partNumber(1),
                        RequestBody.fromBytes(new byte[5 * MIB]))
                .eTag();
        String e2 = s3.uploadPart(
                        b -> b.bucket(BUCKET).key("bad").uploadId(uploadId).partNumber(2),
                        RequestBody.fromBytes(new byte[10]))
                .eTag();
        assertErrorCode(
                () -> s3.completeMultipartUpload(b -> b.bucket(BUCKET)
                        .key("bad")
                        .uploadId(uploadId)
                        .multipartUpload(m -> m.parts(CompletedPart.builder()
                                .partNumber(1)
                                .eTag("\"0000\"")
                                .build()))),
                "InvalidPart");
        assertErrorCode(
                () -> s3.completeMultipartUpload(b -> b.bucket(BUCKET)
                        .key("bad")
                        .uploadId(uploadId)
                        .multipartUpload(m -> m.parts(
                                CompletedPart.builder().partNumber(7).eTag(e1).build()))),
                "InvalidPart");
        assertErrorCode(
                () -> s3.completeMultipartUpload(b -> b.bucket(BUCKET)
                        .key("bad")
                        .uploadId(uploadId)
                        .multipartUpload(m -> m.parts(
                                CompletedPart.builder().partNumber(2).eTag(e2).build(),
                                CompletedPart.builder().partNumber(1).eTag(e1).build()))),
                "InvalidPartOrder");
        s3.abortMultipartUpload(b -> b.bucket(BUCKET).key("bad").uploadId(uploadId));
        assertThatThrownBy(() -> s3.listParts(b -> b.bucket(BUCKET).key("bad").uploadId(uploadId)))
                .isInstanceOf(NoSuchUploadException.class);
        assertThatThrownBy(() -> s3.uploadPart(
                        b -> b.bucket(BUCKET).key("bad").uploadId(uploadId).partNumber(3),
                        RequestBody.fromBytes(new byte[10])))
                .isInstanceOf(NoSuchUploadException.class);
    }

    private static void assertErrorCode(Runnable call, String code) {
        assertThatThrownBy(call::run)
                .isInstanceOfSatisfying(
                        S3Exception.class,
                        e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo(code));
    }

    @Test
    void listPartsPagesThroughParts() {
        String uploadId =
                s3.createMultipartUpload(b -> b.bucket(BUCKET).key("lp")).uploadId();
        for (int n = 1; n <= 5; n++) {
            int p = n;
            s3.uploadPart(
                    b -> b.bucket(BUCKET).key("lp").uploadId(uploadId).partNumber(p),
                    RequestBody.fromBytes(new byte[p * 10]));
        }
        ListPartsResponse first =
                s3.listParts(b -> b.bucket(BUCKET).key("lp").uploadId(uploadId).maxParts(2));
        assertThat(first.parts()).extracting(p -> p.partNumber()).containsExactly(1, 2);
        assertThat(first.isTruncated()).isTrue();
        assertThat(first.nextPartNumberMarker()).isEqualTo(2);
        ListPartsResponse rest = s3.listParts(
                b -> b.bucket(BUCKET).key("lp").uploadId(uploadId).partNumberMarker(first.nextPartNumberMarker()));
        assertThat(rest.parts()).extracting(p -> p.partNumber()).containsExactly(3, 4, 5);
        assertThat(rest.parts().get(2).size()).isEqualTo(50);
        assertThat(rest.isTruncated()).isFalse();
        s3.abortMultipartUpload(b -> b.bucket(BUCKET).key("lp").uploadId(uploadId));
    }

    @Test
    void listMultipartUploadsWithPrefixDelimiterAndMarkers() {
        List<String> ids = new ArrayList<>();
        for (String key : List.of("up/a", "up/a", "up/b", "up/dir/c", "other")) {
            ids.add(s3.createMultipartUpload(b -> b.bucket(BUCKET).key(key)).uploadId());
        }
        ListMultipartUploadsResponse all =
                s3.listMultipartUploads(b -> b.bucket(BUCKET).prefix("up/"));
        assertThat(all.uploads()).extracting(MultipartUpload::key).containsExactly("up/a", "up/a", "up/b", "up/dir/c");
        ListMultipartUploadsResponse delimited =
                s3.listMultipartUploads(b -> b.bucket(BUCKET).prefix("up/").delimiter("/"));
        assertThat(delimited.uploads()).extracting(MultipartUpload::key).containsExactly("up/a", "up/a", "up/b");
        assertThat(delimited.commonPrefixes()).extracting(p -> p.prefix()).containsExactly("up/dir/");
        ListMultipartUploadsResponse paged =
                s3.listMultipartUploads(b -> b.bucket(BUCKET).prefix("up/").maxUploads(1));
        assertThat(paged.isTruncated()).isTrue();
        assertThat(paged.nextKeyMarker()).isEqualTo("up/a");
        ListMultipartUploadsResponse next = s3.listMultipartUploads(b -> b.bucket(BUCKET)
                .prefix("up/")
                .keyMarker(paged.nextKeyMarker())
                .uploadIdMarker(paged.nextUploadIdMarker()));
        assertThat(next.uploads()).extracting(MultipartUpload::key).containsExactly("up/a", "up/b", "up/dir/c");
        ListMultipartUploadsResponse afterKey =
                s3.listMultipartUploads(b -> b.bucket(BUCKET).prefix("up/").keyMarker("up/a"));
        assertThat(afterKey.uploads()).extracting(MultipartUpload::key).containsExactly("up/b", "up/dir/c");
        List<String> keys = List.of("up/a", "up/a", "up/b", "up/dir/c", "other");
        for (int i = 0; i < ids.size(); i++) {
            int n = i;
            s3.abortMultipartUpload(b -> b.bucket(BUCKET).key(keys.get(n)).uploadId(ids.get(n)));
        }
        assertThat(s3.listMultipartUploads(b -> b.bucket(BUCKET)).uploads()).isEmpty();
    }

    @Test
    void uploadPartCopyCopiesARangeOfAnotherObject() {
        byte[] source = ObjectIT.randomBytes(6 * MIB, 21);
        s3.putObject(b -> b.bucket(BUCKET).key("copy-src"), RequestBody.fromBytes(source));
        String uploadId =
                s3.createMultipartUpload(b -> b.bucket(BUCKET).key("copy-dst")).uploadId();
        var p1 = s3.uploadPartCopy(b -> b.sourceBucket(BUCKET)
                .sourceKey("copy-src")
                .destinationBucket(BUCKET)
                .destinationKey("copy-dst")
                .uploadId(uploadId)
                .partNumber(1));
        var p2 = s3.uploadPartCopy(b -> b.sourceBucket(BUCKET)
                .sourceKey("copy-src")
                .destinationBucket(BUCKET)
                .destinationKey("copy-dst")
                .uploadId(uploadId)
                .partNumber(2)
                .copySourceRange("bytes=100-199"));
        s3.completeMultipartUpload(b -> b.bucket(BUCKET)
                .key("copy-dst")
                .uploadId(uploadId)
                .multipartUpload(m -> m.parts(
                        CompletedPart.builder()
                                .partNumber(1)
                                .eTag(p1.copyPartResult().eTag())
                                .build(),
                        CompletedPart.builder()
                                .partNumber(2)
                                .eTag(p2.copyPartResult().eTag())
                                .build())));
        byte[] got = s3.getObjectAsBytes(b -> b.bucket(BUCKET).key("copy-dst")).asByteArray();
        assertThat(got).hasSize(6 * MIB + 100);
        byte[] tail = new byte[100];
        System.arraycopy(got, 6 * MIB, tail, 0, 100);
        byte[] expectedTail = new byte[100];
        System.arraycopy(source, 100, expectedTail, 0, 100);
        assertThat(tail).isEqualTo(expectedTail);
        assertErrorCode(
                () -> s3.uploadPartCopy(b -> b.sourceBucket(BUCKET)
                        .sourceKey("copy-src")
                        .destinationBucket(BUCKET)
                        .destinationKey("copy-dst")
                        .uploadId("nope")
                        .partNumber(1)),
                "NoSuchUpload");
        String again =
                s3.createMultipartUpload(b -> b.bucket(BUCKET).key("copy-dst2")).uploadId();
        assertErrorCode(
                () -> s3.uploadPartCopy(b -> b.sourceBucket(BUCKET)
                        .sourceKey("copy-src")
                        .destinationBucket(BUCKET)
                        .destinationKey("copy-dst2")
                        .uploadId(again)
                        .partNumber(1)
                        .copySourceRange("bytes=0-" + (6 * MIB))),
                "InvalidRange");
        assertErrorCode(
                () -> s3.uploadPartCopy(b -> b.sourceBucket(BUCKET)
                        .sourceKey("copy-src")
                        .destinationBucket(BUCKET)
                        .destinationKey("copy-dst2")
                        .uploadId(again)
                        .partNumber(1)
                        .copySourceRange("bytes=9-2")),
                "InvalidArgument");
    }

    @Test
    void getObjectAttributesDescribesSizeEtagAndParts() {
        byte[] p1 = ObjectIT.randomBytes(5 * MIB, 31);
        byte[] p2 = ObjectIT.randomBytes(777, 32);
        upload("attrs/mp", p1, p2);
        var attrs = s3.getObjectAttributes(b -> b.bucket(BUCKET)
                .key("attrs/mp")
                .objectAttributes(
                        software.amazon.awssdk.services.s3.model.ObjectAttributes.E_TAG,
                        software.amazon.awssdk.services.s3.model.ObjectAttributes.OBJECT_SIZE,
                        software.amazon.awssdk.services.s3.model.ObjectAttributes.STORAGE_CLASS,
                        software.amazon.awssdk.services.s3.model.ObjectAttributes.OBJECT_PARTS));
        String etag = s3.headObject(b -> b.bucket(BUCKET).key("attrs/mp")).eTag();
        assertThat("\"" + attrs.eTag() + "\"").isEqualTo(etag);
        assertThat(attrs.objectSize()).isEqualTo(5L * MIB + 777);
        assertThat(attrs.storageClassAsString()).isEqualTo("STANDARD");
        assertThat(attrs.objectParts().totalPartsCount()).isEqualTo(2);
        assertThat(attrs.objectParts().parts())
                .extracting(p -> p.partNumber() + ":" + p.size())
                .containsExactly("1:" + 5 * MIB, "2:777");
        var paged = s3.getObjectAttributes(b -> b.bucket(BUCKET)
                .key("attrs/mp")
                .maxParts(1)
                .objectAttributes(software.amazon.awssdk.services.s3.model.ObjectAttributes.OBJECT_PARTS));
        assertThat(paged.objectParts().isTruncated()).isTrue();
        assertThat(paged.objectParts().nextPartNumberMarker()).isEqualTo(1);
        assertThatThrownBy(() -> s3.getObjectAttributes(b -> b.bucket(BUCKET)
                        .key("attrs/missing")
                        .objectAttributes(software.amazon.awssdk.services.s3.model.ObjectAttributes.E_TAG)))
                .isInstanceOfSatisfying(
                        S3Exception.class, e -> assertThat(e.statusCode()).isEqualTo(404));
    }

    @Test
    void invalidPartNumbersAreRejected() {
        String uploadId =
                s3.createMultipartUpload(b -> b.bucket(BUCKET).key("pn")).uploadId();
        assertErrorCode(
                () -> s3.uploadPart(
                        b -> b.bucket(BUCKET).key("pn").uploadId(uploadId).partNumber(10001),
                        RequestBody.fromBytes(new byte[1])),
                "InvalidArgument");
        s3.abortMultipartUpload(b -> b.bucket(BUCKET).key("pn").uploadId(uploadId));
    }
}
