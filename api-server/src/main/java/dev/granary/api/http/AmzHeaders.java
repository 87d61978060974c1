package dev.granary.api.http;

/** Header names Granary reads or writes; the only place they are spelled out. */
public final class AmzHeaders {
    private AmzHeaders() {}

    public static final String AUTHORIZATION = "Authorization";
    public static final String ACCEPT_RANGES = "Accept-Ranges";
    public static final String CACHE_CONTROL = "Cache-Control";
    public static final String CONTENT_DISPOSITION = "Content-Disposition";
    public static final String CONTENT_ENCODING = "Content-Encoding";
    public static final String CONTENT_LANGUAGE = "Content-Language";
    public static final String CONTENT_LENGTH = "Content-Length";
    public static final String CONTENT_MD5 = "Content-MD5";
    public static final String CONTENT_RANGE = "Content-Range";
    public static final String CONTENT_TYPE = "Content-Type";
    public static final String ETAG = "ETag";
    public static final String EXPIRES = "Expires";
    public static final String HOST = "Host";
    public static final String IF_MATCH = "If-Match";
    public static final String IF_MODIFIED_SINCE = "If-Modified-Since";
    public static final String IF_NONE_MATCH = "If-None-Match";
    public static final String IF_UNMODIFIED_SINCE = "If-Unmodified-Since";
    public static final String LAST_MODIFIED = "Last-Modified";
    public static final String LOCATION = "Location";
    public static final String RANGE = "Range";
    public static final String SERVER = "Server";
    public static final String TRANSFER_ENCODING = "Transfer-Encoding";

    public static final String X_AMZ_BUCKET_REGION = "x-amz-bucket-region";
    public static final String X_AMZ_CHECKSUM_ALGORITHM = "x-amz-checksum-algorithm";
    public static final String X_AMZ_CHECKSUM_MODE = "x-amz-checksum-mode";
    public static final String X_AMZ_CHECKSUM_PREFIX = "x-amz-checksum-";
    public static final String X_AMZ_CHECKSUM_TYPE = "x-amz-checksum-type";
    public static final String X_AMZ_COPY_SOURCE = "x-amz-copy-source";
    public static final String X_AMZ_COPY_SOURCE_IF_MATCH = "x-amz-copy-source-if-match";
    public static final String X_AMZ_COPY_SOURCE_IF_MODIFIED_SINCE = "x-amz-copy-source-if-modified-since";
    public static final String X_AMZ_COPY_SOURCE_IF_NONE_MATCH = "x-amz-copy-source-if-none-match";
    public static final String X_AMZ_COPY_SOURCE_IF_UNMODIFIED_SINCE = "x-amz-copy-source-if-unmodified-since";
    public static final String X_AMZ_COPY_SOURCE_RANGE = "x-amz-copy-source-range";
    public static final String X_AMZ_DECODED_CONTENT_LENGTH = "x-amz-decoded-content-length";
    public static final String X_AMZ_ID_2 = "x-amz-id-2";
    public static final String X_AMZ_META_PREFIX = "x-amz-meta-";
    public static final String X_AMZ_METADATA_DIRECTIVE = "x-amz-metadata-directive";
    public static final String X_AMZ_MP_PARTS_COUNT = "x-amz-mp-parts-count";
    public static final String X_AMZ_REQUEST_ID = "x-amz-request-id";
    public static final io.undertow.util.HttpString X_AMZ_REQUEST_ID_H =
            new io.undertow.util.HttpString(X_AMZ_REQUEST_ID);
    public static final io.undertow.util.HttpString X_AMZ_ID_2_H = new io.undertow.util.HttpString(X_AMZ_ID_2);
    public static final String X_AMZ_SDK_CHECKSUM_ALGORITHM = "x-amz-sdk-checksum-algorithm";
    public static final String X_AMZ_STORAGE_CLASS = "x-amz-storage-class";
    public static final String X_AMZ_TAGGING = "x-amz-tagging";
    public static final String X_AMZ_TAGGING_COUNT = "x-amz-tagging-count";
    public static final String X_AMZ_VERSION_ID = "x-amz-version-id";
    public static final String X_AMZ_EXPIRATION = "x-amz-expiration";
    public static final String X_AMZ_DELETE_MARKER = "x-amz-delete-marker";
    public static final String X_AMZ_COPY_SOURCE_VERSION_ID = "x-amz-copy-source-version-id";
    public static final String X_AMZ_TAGGING_DIRECTIVE = "x-amz-tagging-directive";
    public static final String X_AMZ_SSE = "x-amz-server-side-encryption";
    public static final String X_AMZ_SSE_KMS_KEY_ID = "x-amz-server-side-encryption-aws-kms-key-id";
    public static final String X_AMZ_SSE_CUSTOMER_ALGORITHM = "x-amz-server-side-encryption-customer-algorithm";
    public static final String X_AMZ_SSE_CUSTOMER_KEY = "x-amz-server-side-encryption-customer-key";
    public static final String X_AMZ_SSE_CUSTOMER_KEY_MD5 = "x-amz-server-side-encryption-customer-key-MD5";
    public static final String X_AMZ_COPY_SOURCE_SSE_CUSTOMER_ALGORITHM =
            "x-amz-copy-source-server-side-encryption-customer-algorithm";
    public static final String X_AMZ_COPY_SOURCE_SSE_CUSTOMER_KEY =
            "x-amz-copy-source-server-side-encryption-customer-key";
    public static final String X_AMZ_COPY_SOURCE_SSE_CUSTOMER_KEY_MD5 =
            "x-amz-copy-source-server-side-encryption-customer-key-MD5";
}
