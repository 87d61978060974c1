package dev.granary.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.aliyun.oss.ClientBuilderConfiguration;
import com.aliyun.oss.OSS;
import com.aliyun.oss.OSSClientBuilder;
import com.aliyun.oss.OSSException;
import com.aliyun.oss.common.comm.SignVersion;
import com.aliyun.oss.model.OSSObject;
import com.aliyun.oss.model.ObjectMetadata;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/**
 * Alibaba Cloud's OSS SDK for Java ({@code aliyun-sdk-oss} 3.18.5), unchanged, against a real server, each test
 * signed with version 1 (the SDK's default) and version 4, CRC checks left on. What the OSS dialect serves so far: buckets made and removed,
 * objects put, read, described and deleted, with user metadata, read back by the AWS SDK too; a wrong secret gets
 * OSS's SignatureDoesNotMatch.
 */
class OssSdkIT {
    @RegisterExtension
    static final GranaryServerExtension server = new GranaryServerExtension();

    private OSS oss;

    @AfterEach
    void disconnect() {
        if (oss != null) {
            oss.shutdown();
        }
    }

    /**
     * The SDK pointed at the server (an IP endpoint, so path-style requests), signing with {@code version}; version 4
     * names a region, as OSS's endpoints need.
     */
    private static OSS client(SignVersion version, String secret) {
        ClientBuilderConfiguration config = new ClientBuilderConfiguration();
        config.setSignatureVersion(version);
        config.setMaxErrorRetry(0);
        return OSSClientBuilder.create()
                .endpoint("http://127.0.0.1:" + server.uri().getPort())
                .credentialsProvider(new com.aliyun.oss.common.auth.DefaultCredentialProvider(
                        GranaryServerExtension.ACCESS_KEY, secret))
                .clientConfiguration(config)
                .region("cn-hangzhou")
                .build();
    }

    /** A bucket name of the test's own, per signature version. */
    private static String bucket(String name, SignVersion version) {
        return name + "-" + version.name().toLowerCase(java.util.Locale.ROOT);
    }

    private static byte[] random(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private static byte[] read(OSSObject object) throws IOException {
        try (InputStream in = object.getObjectContent()) {
            return in.readAllBytes();
        }
    }

    @ParameterizedTest
    @EnumSource(
            value = SignVersion.class,
            names = {"V1", "V4"})
    void objectsPutReadDescribedAndDeletedAcrossBothDialects(SignVersion version) throws IOException {
        oss = client(version, GranaryServerExtension.SECRET_KEY);
        String objects = bucket("oss-objects", version);
        oss.createBucket(objects);
        assertThat(oss.doesBucketExist(objects)).isTrue();

        byte[] body = random(300_000, 1);
        ObjectMetadata meta = new ObjectMetadata();
        meta.setContentLength(body.length);
        meta.setContentType("application/x-test");
        meta.setUserMetadata(Map.of("Author", "alice"));
        String etag = oss.putObject(objects, "dir/a key.bin", new ByteArrayInputStream(body), meta)
                .getETag();

        OSSObject got = oss.getObject(objects, "dir/a key.bin");
        assertThat(read(got)).isEqualTo(body);
        assertThat(got.getObjectMetadata().getETag()).isEqualTo(etag);
        assertThat(got.getObjectMetadata().getContentType()).isEqualTo("application/x-test");
        assertThat(got.getObjectMetadata().getUserMetadata()).containsEntry("author", "alice");

        ObjectMetadata head = oss.getObjectMetadata(objects, "dir/a key.bin");
        assertThat(head.getContentLength()).isEqualTo(body.length);
        assertThat(head.getETag()).isEqualTo(etag);
        assertThat(oss.doesObjectExist(objects, "dir/a key.bin")).isTrue();
        assertThat(oss.doesObjectExist(objects, "missing")).isFalse();

        // One object model: what the OSS SDK wrote, the AWS SDK reads, byte for byte, and the other way.
        S3Client s3 = server.client();
        ResponseBytes<GetObjectResponse> viaS3 =
                s3.getObjectAsBytes(b -> b.bucket(objects).key("dir/a key.bin"));
        assertThat(viaS3.asByteArray()).isEqualTo(body);
        assertThat(viaS3.response().eTag()).isEqualToIgnoringCase("\"" + etag + "\"");
        assertThat(viaS3.response().metadata()).containsEntry("author", "alice");
        s3.putObject(b -> b.bucket(objects).key("from-s3"), RequestBody.fromString("written through S3"));
        assertThat(read(oss.getObject(objects, "from-s3")))
                .isEqualTo("written through S3".getBytes(StandardCharsets.UTF_8));

        oss.deleteObject(objects, "dir/a key.bin");
        oss.deleteObject(objects, "from-s3");
        assertThatThrownBy(() -> oss.getObject(objects, "dir/a key.bin"))
                .isInstanceOfSatisfying(OSSException.class, e -> {
                    assertThat(e.getErrorCode()).isEqualTo("NoSuchKey");
                    assertThat(e.getRequestId()).isNotBlank();
                    assertThat(e.getEC()).isEqualTo("0026-00000001");
                    assertThat(e.getHostId()).startsWith("127.0.0.1:");
                });
        // A HEAD has no body: OSS's error travels base64-encoded in x-oss-err, and the SDK reads it from there.
        assertThatThrownBy(() -> oss.getObjectMetadata(objects + "-missing", "k"))
                .isInstanceOfSatisfying(
                        OSSException.class, e -> assertThat(e.getErrorCode()).isEqualTo("NoSuchBucket"));
        oss.deleteBucket(objects);
        assertThat(oss.doesBucketExist(objects)).isFalse();
    }

    @ParameterizedTest
    @EnumSource(
            value = SignVersion.class,
            names = {"V1", "V4"})
    @SuppressWarnings("JavaUtilDate") // the SDK takes a presigned URL's expiry as a java.util.Date
    void listingsCopiesBatchDeletesAndPresignedUrls(SignVersion version) throws Exception {
        oss = client(version, GranaryServerExtension.SECRET_KEY);
        String lists = bucket("oss-lists", version);
        oss.createBucket(lists);
        for (String key : java.util.List.of("a/1", "a/2", "b/1", "top")) {
            oss.putObject(lists, key, new ByteArrayInputStream(key.getBytes(StandardCharsets.UTF_8)));
        }
        assertThat(oss.listBuckets())
                .extracting(com.aliyun.oss.model.Bucket::getName)
                .contains(lists);
        oss.createBucket(lists + "-2");
        com.aliyun.oss.model.BucketList firstPage =
                oss.listBuckets(new com.aliyun.oss.model.ListBucketsRequest(lists, null, 1));
        assertThat(firstPage.getBucketList()).singleElement().satisfies(b -> {
            assertThat(b.getName()).isEqualTo(lists);
            assertThat(b.getLocation()).isEqualTo("oss-" + b.getRegion());
            assertThat(b.getExtranetEndpoint())
                    .isEqualTo("127.0.0.1:" + server.uri().getPort());
            assertThat(b.getCreationDate()).isNotNull();
        });
        assertThat(firstPage.isTruncated()).isTrue();
        assertThat(oss.listBuckets(new com.aliyun.oss.model.ListBucketsRequest(lists, firstPage.getNextMarker(), 1))
                        .getBucketList())
                .extracting(com.aliyun.oss.model.Bucket::getName)
                .containsExactly(lists + "-2");
        oss.deleteBucket(lists + "-2");

        com.aliyun.oss.model.ObjectListing v1 =
                oss.listObjects(new com.aliyun.oss.model.ListObjectsRequest(lists).withDelimiter("/"));
        assertThat(v1.getObjectSummaries())
                .extracting(com.aliyun.oss.model.OSSObjectSummary::getKey)
                .containsExactly("top");
        assertThat(v1.getCommonPrefixes()).containsExactly("a/", "b/");
        com.aliyun.oss.model.ListObjectsV2Result v2 =
                oss.listObjectsV2(new com.aliyun.oss.model.ListObjectsV2Request(lists)
                        .withPrefix("a/")
                        .withMaxKeys(1));
        assertThat(v2.getObjectSummaries())
                .extracting(com.aliyun.oss.model.OSSObjectSummary::getKey)
                .containsExactly("a/1");
        assertThat(v2.isTruncated()).isTrue();
        com.aliyun.oss.model.ListObjectsV2Result rest =
                oss.listObjectsV2(new com.aliyun.oss.model.ListObjectsV2Request(lists)
                        .withPrefix("a/")
                        .withContinuationToken(v2.getNextContinuationToken()));
        assertThat(rest.getObjectSummaries())
                .extracting(com.aliyun.oss.model.OSSObjectSummary::getKey)
                .containsExactly("a/2");

        oss.copyObject(lists, "top", lists, "copied/top");
        assertThat(read(oss.getObject(lists, "copied/top"))).isEqualTo("top".getBytes(StandardCharsets.UTF_8));

        // A presigned GET (signature in the query, Expires in the date's place), fetched by a plain HTTP client.
        java.net.URL url =
                oss.generatePresignedUrl(lists, "a/1", new java.util.Date(System.currentTimeMillis() + 60_000));
        java.net.http.HttpResponse<byte[]> fetched = java.net.http.HttpClient.newHttpClient()
                .send(
                        java.net.http.HttpRequest.newBuilder(url.toURI()).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofByteArray());
        assertThat(fetched.statusCode()).isEqualTo(200);
        assertThat(fetched.body()).isEqualTo("a/1".getBytes(StandardCharsets.UTF_8));
        java.net.URL expired =
                oss.generatePresignedUrl(lists, "a/1", new java.util.Date(System.currentTimeMillis() - 60_000));
        assertThat(java.net.http.HttpClient.newHttpClient()
                        .send(
                                java.net.http.HttpRequest.newBuilder(expired.toURI())
                                        .build(),
                                java.net.http.HttpResponse.BodyHandlers.ofString())
                        .statusCode())
                .isEqualTo(403);

        com.aliyun.oss.model.DeleteObjectsResult deleted =
                oss.deleteObjects(new com.aliyun.oss.model.DeleteObjectsRequest(lists)
                        .withKeys(java.util.List.of("a/1", "a/2", "b/1", "top", "copied/top")));
        assertThat(deleted.getDeletedObjects()).hasSize(5);
        assertThat(oss.listObjects(lists).getObjectSummaries()).isEmpty();
        oss.deleteBucket(lists);
    }

    /**
     * {@code uploadFile} (multipart, 100 KiB parts: OSS's minimum is 100 KB, not S3's 5 MiB) and {@code downloadFile}
     * (HEAD {@code ?objectMeta}, then ranged GETs), as the SDK's users move files.
     */
    @ParameterizedTest
    @EnumSource(
            value = SignVersion.class,
            names = {"V1", "V4"})
    void aFileGoesUpInSmallPartsAndComesBackWhole(SignVersion version, @TempDir Path dir) throws Throwable {
        oss = client(version, GranaryServerExtension.SECRET_KEY);
        String files = bucket("oss-files", version);
        oss.createBucket(files);
        byte[] body = random(350 * 1024 + 17, 3);
        Path local = dir.resolve("up.bin");
        Files.write(local, body);
        com.aliyun.oss.model.UploadFileRequest upload = new com.aliyun.oss.model.UploadFileRequest(files, "big.bin");
        upload.setUploadFile(local.toString());
        upload.setPartSize(100 * 1024);
        upload.setTaskNum(2);
        oss.uploadFile(upload);
        assertThat(oss.getObjectMetadata(files, "big.bin").getContentLength()).isEqualTo(body.length);

        Path back = dir.resolve("down.bin");
        com.aliyun.oss.model.DownloadFileRequest download =
                new com.aliyun.oss.model.DownloadFileRequest(files, "big.bin", back.toString(), 100 * 1024);
        download.setTaskNum(2);
        oss.downloadFile(download);
        assertThat(Files.readAllBytes(back)).isEqualTo(body);
        assertThat(server.client()
                        .getObjectAsBytes(b -> b.bucket(files).key("big.bin"))
                        .asByteArray())
                .isEqualTo(body);

        oss.deleteObject(files, "big.bin");
        oss.deleteBucket(files);
    }

    private static Long crc64(byte[] bytes) {
        com.aliyun.oss.common.utils.CRC64 crc = new com.aliyun.oss.common.utils.CRC64();
        crc.update(bytes, bytes.length);
        return crc.getValue();
    }

    /**
     * CRC-64/XZ ({@code x-oss-hash-crc64ecma}) is stored with what the OSS dialect writes and answered on PUT, GET,
     * ranged GET (the whole object's), HEAD, copies and multipart completion (combined from the parts'); a declared
     * value that does not match is refused and nothing is stored. S3 never sees it among its checksums.
     */
    @ParameterizedTest
    @EnumSource(
            value = SignVersion.class,
            names = {"V1", "V4"})
    void crc64IsStoredAnsweredCombinedAndChecked(SignVersion version) throws IOException {
        oss = client(version, GranaryServerExtension.SECRET_KEY);
        String crcs = bucket("oss-crc", version);
        oss.createBucket(crcs);
        byte[] body = random(250_000, 4);
        Long expected = crc64(body);

        com.aliyun.oss.model.PutObjectResult put = oss.putObject(crcs, "whole", new ByteArrayInputStream(body));
        assertThat(put.getServerCRC()).isEqualTo(expected);
        OSSObject got = oss.getObject(crcs, "whole");
        assertThat(read(got)).isEqualTo(body);
        assertThat(got.getServerCRC()).isEqualTo(expected);
        OSSObject ranged = oss.getObject(new com.aliyun.oss.model.GetObjectRequest(crcs, "whole").withRange(10, 99));
        assertThat(read(ranged)).hasSize(90);
        assertThat(ranged.getObjectMetadata().getServerCRC()).isEqualTo(expected);
        assertThat(oss.getObjectMetadata(crcs, "whole").getServerCRC()).isEqualTo(expected);
        oss.copyObject(crcs, "whole", crcs, "copy");
        assertThat(oss.getObjectMetadata(crcs, "copy").getServerCRC()).isEqualTo(expected);
        assertThat(crc64(new byte[0])).isZero();
        assertThat(oss.putObject(crcs, "empty", new ByteArrayInputStream(new byte[0]))
                        .getServerCRC())
                .isZero();

        // Multipart: the object's CRC is combined from the parts' (the SDK compares it with its own at completion).
        String uploadId = oss.initiateMultipartUpload(
                        new com.aliyun.oss.model.InitiateMultipartUploadRequest(crcs, "parts"))
                .getUploadId();
        java.util.List<com.aliyun.oss.model.PartETag> etags = new java.util.ArrayList<>();
        int partSize = 100 * 1024;
        for (int from = 0, number = 1; from < body.length; from += partSize, number++) {
            int length = Math.min(partSize, body.length - from);
            com.aliyun.oss.model.UploadPartRequest part = new com.aliyun.oss.model.UploadPartRequest(
                    crcs, "parts", uploadId, number, new ByteArrayInputStream(body, from, length), length);
            com.aliyun.oss.model.UploadPartResult uploaded = oss.uploadPart(part);
            assertThat(uploaded.getPartETag().getPartCRC())
                    .isEqualTo(crc64(java.util.Arrays.copyOfRange(body, from, from + length)));
            etags.add(uploaded.getPartETag());
        }
        com.aliyun.oss.model.CompleteMultipartUploadResult completed = oss.completeMultipartUpload(
                new com.aliyun.oss.model.CompleteMultipartUploadRequest(crcs, "parts", uploadId, etags));
        assertThat(completed.getServerCRC()).isEqualTo(expected);
        assertThat(oss.getObjectMetadata(crcs, "parts").getServerCRC()).isEqualTo(expected);

        // A client-declared CRC that does not match: OSS's InvalidDigest, and the key keeps what it had.
        ObjectMetadata lying = new ObjectMetadata();
        lying.setHeader("x-oss-hash-crc64ecma", Long.toUnsignedString(expected + 1));
        assertThatThrownBy(() -> oss.putObject(crcs, "whole", new ByteArrayInputStream(new byte[] {1, 2}), lying))
                .isInstanceOfSatisfying(
                        OSSException.class, e -> assertThat(e.getErrorCode()).isEqualTo("InvalidDigest"));
        ObjectMetadata honest = new ObjectMetadata();
        byte[] small = {1, 2};
        honest.setHeader("x-oss-hash-crc64ecma", Long.toUnsignedString(crc64(small)));
        oss.putObject(crcs, "declared", new ByteArrayInputStream(small), honest);
        assertThat(read(oss.getObject(crcs, "whole"))).isEqualTo(body);
        assertThat(read(oss.getObject(crcs, "declared"))).isEqualTo(small);

        // S3's flexible checksums do not include OSS's CRC.
        software.amazon.awssdk.services.s3.model.HeadObjectResponse viaS3 = server.client()
                .headObject(b -> b.bucket(crcs)
                        .key("whole")
                        .checksumMode(software.amazon.awssdk.services.s3.model.ChecksumMode.ENABLED));
        assertThat(viaS3.sdkHttpResponse().headers().keySet())
                .noneMatch(name -> name.toLowerCase(java.util.Locale.ROOT).contains("crc64ecma"))
                .noneMatch(name -> name.equalsIgnoreCase("x-amz-checksum-type"));
        for (String key : java.util.List.of("whole", "copy", "empty", "parts", "declared")) {
            oss.deleteObject(crcs, key);
        }
        oss.deleteBucket(crcs);
    }

    /**
     * AppendObject: an Appendable object made at position 0 and grown at its length, the SDK checking each answer's
     * CRC-64 against its own combined one; wrong positions and appends to a normal object refused, nothing changed;
     * the object read back whole through both dialects.
     */
    @ParameterizedTest
    @EnumSource(
            value = SignVersion.class,
            names = {"V1", "V4"})
    void appendsMakeAnObjectGrowAndAreRefusedAtAnyOtherPosition(SignVersion version) throws IOException {
        oss = client(version, GranaryServerExtension.SECRET_KEY);
        String appends = bucket("oss-append", version);
        oss.createBucket(appends);
        byte[] first = random(1000, 5);
        byte[] second = random(200_000, 6);
        byte[] third = "tail".getBytes(StandardCharsets.UTF_8);

        ObjectMetadata meta = new ObjectMetadata();
        meta.setContentType("text/x-log");
        com.aliyun.oss.model.AppendObjectResult made = oss.appendObject(
                new com.aliyun.oss.model.AppendObjectRequest(appends, "log", new ByteArrayInputStream(first), meta)
                        .withPosition(0L)
                        .withInitCRC(0L));
        assertThat(made.getNextPosition()).isEqualTo(first.length);
        com.aliyun.oss.model.AppendObjectResult grown = oss.appendObject(
                new com.aliyun.oss.model.AppendObjectRequest(appends, "log", new ByteArrayInputStream(second))
                        .withPosition(made.getNextPosition())
                        .withInitCRC(made.getClientCRC()));
        com.aliyun.oss.model.AppendObjectResult last = oss.appendObject(
                new com.aliyun.oss.model.AppendObjectRequest(appends, "log", new ByteArrayInputStream(third))
                        .withPosition(grown.getNextPosition())
                        .withInitCRC(grown.getClientCRC()));
        byte[] whole = new byte[first.length + second.length + third.length];
        System.arraycopy(first, 0, whole, 0, first.length);
        System.arraycopy(second, 0, whole, first.length, second.length);
        System.arraycopy(third, 0, whole, first.length + second.length, third.length);
        assertThat(last.getNextPosition()).isEqualTo(whole.length);
        assertThat(last.getServerCRC()).isEqualTo(crc64(whole));
        // Nothing appended: the object as it was (no empty segment, the same ETag).
        String etagBefore = oss.getObjectMetadata(appends, "log").getETag();
        com.aliyun.oss.model.AppendObjectResult empty = oss.appendObject(
                new com.aliyun.oss.model.AppendObjectRequest(appends, "log", new ByteArrayInputStream(new byte[0]))
                        .withPosition((long) whole.length));
        assertThat(empty.getNextPosition()).isEqualTo(whole.length);
        assertThat(oss.getObjectMetadata(appends, "log").getETag()).isEqualTo(etagBefore);

        ObjectMetadata head = oss.getObjectMetadata(appends, "log");
        assertThat(head.getObjectType()).isEqualTo("Appendable");
        assertThat(head.getContentLength()).isEqualTo(whole.length);
        assertThat(head.getContentType()).isEqualTo("text/x-log");
        assertThat(head.getRawMetadata()).containsEntry("x-oss-next-append-position", Integer.toString(whole.length));
        OSSObject got = oss.getObject(appends, "log");
        assertThat(read(got)).isEqualTo(whole);
        assertThat(got.getServerCRC()).isEqualTo(crc64(whole));
        assertThat(server.client()
                        .getObjectAsBytes(b -> b.bucket(appends).key("log"))
                        .asByteArray())
                .isEqualTo(whole);

        // Refused: a position that is not the length (also 0 again), an append to an object a PUT made.
        for (long wrong : new long[] {0, whole.length - 1L, whole.length + 1L}) {
            assertThatThrownBy(() -> oss.appendObject(new com.aliyun.oss.model.AppendObjectRequest(
                                    appends, "log", new ByteArrayInputStream(third))
                            .withPosition(wrong)))
                    .isInstanceOfSatisfying(
                            OSSException.class,
                            e -> assertThat(e.getErrorCode()).isEqualTo("PositionNotEqualToLength"));
        }
        oss.putObject(appends, "normal", new ByteArrayInputStream(first));
        assertThat(oss.getObjectMetadata(appends, "normal").getObjectType()).isEqualTo("Normal");
        assertThatThrownBy(() -> oss.appendObject(
                        new com.aliyun.oss.model.AppendObjectRequest(appends, "normal", new ByteArrayInputStream(third))
                                .withPosition((long) first.length)))
                .isInstanceOfSatisfying(
                        OSSException.class, e -> assertThat(e.getErrorCode()).isEqualTo("ObjectNotAppendable"));
        assertThat(read(oss.getObject(appends, "log"))).isEqualTo(whole);
        assertThat(read(oss.getObject(appends, "normal"))).isEqualTo(first);

        oss.deleteObject(appends, "log");
        oss.deleteObject(appends, "normal");
        oss.deleteBucket(appends);
    }

    private static int anonymousGet(String bucket, String key) throws Exception {
        return java.net.http.HttpClient.newHttpClient()
                .send(
                        java.net.http.HttpRequest.newBuilder(server.uri().resolve("/" + bucket + "/" + key))
                                .build(),
                        java.net.http.HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    /**
     * OSS's ACL documents (one canned Grant) and headers, on buckets and objects, mapped onto the one access model:
     * a public-read object is read without credentials, and back to {@code default} it no longer is.
     */
    @ParameterizedTest
    @EnumSource(
            value = SignVersion.class,
            names = {"V1", "V4"})
    void cannedAclsAreSetAndReadOnBucketsAndObjects(SignVersion version) throws Exception {
        oss = client(version, GranaryServerExtension.SECRET_KEY);
        String acls = bucket("oss-acl", version);
        oss.createBucket(acls);
        assertThat(oss.getBucketAcl(acls).getCannedACL())
                .isEqualTo(com.aliyun.oss.model.CannedAccessControlList.Private);
        assertThat(oss.getBucketAcl(acls).getOwner().getId()).isNotBlank();
        oss.setBucketAcl(acls, com.aliyun.oss.model.CannedAccessControlList.PublicRead);
        assertThat(oss.getBucketAcl(acls).getCannedACL())
                .isEqualTo(com.aliyun.oss.model.CannedAccessControlList.PublicRead);

        oss.putObject(acls, "doc", new ByteArrayInputStream("hello".getBytes(StandardCharsets.UTF_8)));
        assertThat(oss.getObjectAcl(acls, "doc").getPermission())
                .isEqualTo(com.aliyun.oss.model.ObjectPermission.Default);
        assertThat(anonymousGet(acls, "doc")).isEqualTo(403);
        oss.setObjectAcl(acls, "doc", com.aliyun.oss.model.CannedAccessControlList.PublicRead);
        assertThat(oss.getObjectAcl(acls, "doc").getPermission())
                .isEqualTo(com.aliyun.oss.model.ObjectPermission.PublicRead);
        assertThat(anonymousGet(acls, "doc")).isEqualTo(200);
        oss.setObjectAcl(acls, "doc", com.aliyun.oss.model.CannedAccessControlList.Default);
        assertThat(oss.getObjectAcl(acls, "doc").getPermission())
                .isEqualTo(com.aliyun.oss.model.ObjectPermission.Default);
        assertThat(anonymousGet(acls, "doc")).isEqualTo(403);

        // An object's ACL on its PUT (x-oss-object-acl).
        ObjectMetadata publicRead = new ObjectMetadata();
        publicRead.setObjectAcl(com.aliyun.oss.model.CannedAccessControlList.PublicRead);
        oss.putObject(acls, "open", new ByteArrayInputStream(new byte[] {1}), publicRead);
        assertThat(oss.getObjectAcl(acls, "open").getPermission())
                .isEqualTo(com.aliyun.oss.model.ObjectPermission.PublicRead);
        assertThat(anonymousGet(acls, "open")).isEqualTo(200);

        oss.setBucketAcl(acls, com.aliyun.oss.model.CannedAccessControlList.Private);
        assertThat(oss.getBucketAcl(acls).getCannedACL())
                .isEqualTo(com.aliyun.oss.model.CannedAccessControlList.Private);
        oss.deleteObject(acls, "doc");
        oss.deleteObject(acls, "open");
        oss.deleteBucket(acls);
    }

    /**
     * Symlinks (PUT and GET {@code ?symlink}; GET and HEAD of a link serve its target, a dangling one is
     * SymlinkTargetNotExist) and OSS's Range behaviour (an unsatisfiable range is the whole object, 416 only with
     * {@code x-oss-range-behavior: standard}).
     */
    @ParameterizedTest
    @EnumSource(
            value = SignVersion.class,
            names = {"V1", "V4"})
    void symlinksServeTheirTargetAndRangesBehaveAsOss(SignVersion version) throws IOException {
        oss = client(version, GranaryServerExtension.SECRET_KEY);
        String links = bucket("oss-links", version);
        oss.createBucket(links);
        byte[] body = random(5000, 7);
        oss.putObject(links, "dir/the target", new ByteArrayInputStream(body));
        oss.createSymlink(links, "link", "dir/the target");
        assertThat(oss.getSymlink(links, "link").getTarget()).isEqualTo("dir/the target");
        assertThat(read(oss.getObject(links, "link"))).isEqualTo(body);
        ObjectMetadata head = oss.getObjectMetadata(links, "link");
        assertThat(head.getObjectType()).isEqualTo("Symlink");
        assertThat(head.getContentLength()).isEqualTo(body.length);
        // Through S3 a link is the empty object it is stored as.
        assertThat(server.client()
                        .getObjectAsBytes(b -> b.bucket(links).key("link"))
                        .asByteArray())
                .isEmpty();

        oss.createSymlink(links, "dangling", "nothing here");
        assertThatThrownBy(() -> oss.getObject(links, "dangling"))
                .isInstanceOfSatisfying(
                        OSSException.class, e -> assertThat(e.getErrorCode()).isEqualTo("SymlinkTargetNotExist"));
        assertThatThrownBy(() -> oss.getSymlink(links, "dir/the target"))
                .isInstanceOfSatisfying(
                        OSSException.class, e -> assertThat(e.getErrorCode()).isEqualTo("NotSymlink"));

        OSSObject whole =
                oss.getObject(new com.aliyun.oss.model.GetObjectRequest(links, "dir/the target").withRange(6000, 7000));
        assertThat(read(whole)).isEqualTo(body);
        com.aliyun.oss.model.GetObjectRequest standard =
                new com.aliyun.oss.model.GetObjectRequest(links, "dir/the target").withRange(6000, 7000);
        standard.addHeader("x-oss-range-behavior", "standard");
        assertThatThrownBy(() -> oss.getObject(standard))
                .isInstanceOfSatisfying(
                        OSSException.class, e -> assertThat(e.getErrorCode()).isEqualTo("InvalidRange"));

        for (String key : java.util.List.of("dir/the target", "link", "dangling")) {
            oss.deleteObject(links, key);
        }
        oss.deleteBucket(links);
    }

    /**
     * The access log says which dialect signed a request (signature-version OSS or OSS4, header or query string) and
     * records OSS's requests under S3's operations; a presigned URL's signature is never written.
     */
    @ParameterizedTest
    @EnumSource(
            value = SignVersion.class,
            names = {"V1", "V4"})
    @SuppressWarnings("JavaUtilDate") // the SDK takes a presigned URL's expiry as a java.util.Date
    void theAccessLogNamesTheDialectAndKeepsNoSignature(SignVersion version) throws Exception {
        oss = client(version, GranaryServerExtension.SECRET_KEY);
        String logged = bucket("oss-logged", version);
        oss.createBucket(logged);
        String putId = oss.putObject(logged, "k", new ByteArrayInputStream(new byte[] {1, 2, 3}))
                .getRequestId();
        String dialect = version == SignVersion.V4 ? "OSS4" : "OSS";
        assertThat(server.accessLogLine(putId))
                .contains(" REST.PUT.OBJECT k ")
                .contains(" " + dialect + " - AuthHeader ");

        java.net.URL url =
                oss.generatePresignedUrl(logged, "k", new java.util.Date(System.currentTimeMillis() + 60_000));
        java.net.http.HttpResponse<byte[]> fetched = java.net.http.HttpClient.newHttpClient()
                .send(
                        java.net.http.HttpRequest.newBuilder(url.toURI()).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofByteArray());
        assertThat(fetched.statusCode()).isEqualTo(200);
        String getId = fetched.headers().firstValue("x-oss-request-id").orElseThrow();
        String line = server.accessLogLine(getId);
        assertThat(line).contains(" REST.GET.OBJECT k ").contains(" " + dialect + " - QueryString ");
        String signature = version == SignVersion.V4 ? "x-oss-signature=" : "Signature=";
        assertThat(line).contains(signature + "-");
        String sent = url.getQuery().replaceAll(".*" + signature + "([^&]*).*", "$1");
        assertThat(sent).isNotEmpty().isNotEqualTo("-");
        assertThat(line).doesNotContain(sent);
        oss.deleteObject(logged, "k");
        oss.deleteBucket(logged);
    }

    /**
     * Response overrides and conditional GETs as the SDK sends them, and a presigned PUT URL used by a plain HTTP
     * client.
     */
    @ParameterizedTest
    @EnumSource(
            value = SignVersion.class,
            names = {"V1", "V4"})
    @SuppressWarnings("JavaUtilDate") // the SDK takes dates as java.util.Date
    void overridesConditionalsAndPresignedPuts(SignVersion version) throws Exception {
        oss = client(version, GranaryServerExtension.SECRET_KEY);
        String reads = bucket("oss-reads", version);
        oss.createBucket(reads);
        byte[] body = random(1000, 8);
        String etag = oss.putObject(reads, "k", new ByteArrayInputStream(body)).getETag();

        com.aliyun.oss.model.GetObjectRequest overridden = new com.aliyun.oss.model.GetObjectRequest(reads, "k");
        com.aliyun.oss.model.ResponseHeaderOverrides overrides = new com.aliyun.oss.model.ResponseHeaderOverrides();
        overrides.setContentType("text/x-override");
        overrides.setContentDisposition("attachment; filename=\"k.bin\"");
        overridden.setResponseHeaders(overrides);
        OSSObject got = oss.getObject(overridden);
        assertThat(read(got)).isEqualTo(body);
        assertThat(got.getObjectMetadata().getContentType()).isEqualTo("text/x-override");
        assertThat(got.getObjectMetadata().getContentDisposition()).isEqualTo("attachment; filename=\"k.bin\"");

        com.aliyun.oss.model.GetObjectRequest matching = new com.aliyun.oss.model.GetObjectRequest(reads, "k");
        matching.setMatchingETagConstraints(java.util.List.of(etag));
        assertThat(read(oss.getObject(matching))).isEqualTo(body);
        com.aliyun.oss.model.GetObjectRequest notMatching = new com.aliyun.oss.model.GetObjectRequest(reads, "k");
        notMatching.setMatchingETagConstraints(java.util.List.of("0123456789abcdef0123456789abcdef"));
        assertThatThrownBy(() -> oss.getObject(notMatching))
                .isInstanceOfSatisfying(
                        OSSException.class, e -> assertThat(e.getErrorCode()).isEqualTo("PreconditionFailed"));
        com.aliyun.oss.model.GetObjectRequest unmodified = new com.aliyun.oss.model.GetObjectRequest(reads, "k");
        unmodified.setNonmatchingETagConstraints(java.util.List.of(etag));
        assertThatThrownBy(() -> oss.getObject(unmodified))
                .isInstanceOfSatisfying(
                        OSSException.class, e -> assertThat(e.getErrorCode()).isEqualTo("NotModified"));

        com.aliyun.oss.model.GeneratePresignedUrlRequest presign =
                new com.aliyun.oss.model.GeneratePresignedUrlRequest(reads, "uploaded", com.aliyun.oss.HttpMethod.PUT);
        presign.setExpiration(new java.util.Date(System.currentTimeMillis() + 60_000));
        presign.setContentType("application/x-presigned");
        java.net.URL url = oss.generatePresignedUrl(presign);
        byte[] uploaded = random(2000, 9);
        java.net.http.HttpResponse<String> put = java.net.http.HttpClient.newHttpClient()
                .send(
                        java.net.http.HttpRequest.newBuilder(url.toURI())
                                .header("Content-Type", "application/x-presigned")
                                .PUT(java.net.http.HttpRequest.BodyPublishers.ofByteArray(uploaded))
                                .build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
        assertThat(read(oss.getObject(reads, "uploaded"))).isEqualTo(uploaded);
        assertThat(oss.getObjectMetadata(reads, "uploaded").getContentType()).isEqualTo("application/x-presigned");

        oss.deleteObject(reads, "k");
        oss.deleteObject(reads, "uploaded");
        oss.deleteBucket(reads);
    }

    @ParameterizedTest
    @EnumSource(
            value = SignVersion.class,
            names = {"V1", "V4"})
    void aWrongSecretIsRefusedAndChangesNothing(SignVersion version) {
        oss = client(version, GranaryServerExtension.SECRET_KEY);
        String refused = bucket("oss-refused", version);
        oss.createBucket(refused);
        OSS wrong = client(version, "not the secret");
        try {
            assertThatThrownBy(() -> wrong.putObject(refused, "k", new ByteArrayInputStream(new byte[] {1, 2, 3})))
                    .isInstanceOfSatisfying(
                            OSSException.class,
                            e -> assertThat(e.getErrorCode()).isEqualTo("SignatureDoesNotMatch"));
        } finally {
            wrong.shutdown();
        }
        assertThat(oss.doesObjectExist(refused, "k")).isFalse();
        oss.deleteBucket(refused);
    }
}
