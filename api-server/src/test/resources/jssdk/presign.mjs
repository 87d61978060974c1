// Drives Granary with the AWS SDK for JavaScript v3: the client itself (PutObject with the SDK's default
// checksums, GetObject), then presigned PUT and GET URLs made by @aws-sdk/s3-request-presigner - which carry
// x-amz-checksum-* and x-amz-sdk-checksum-algorithm query parameters when a checksum is asked for - used with
// fetch() as a browser page would. Prints one JSON object with what each step saw.
//   node presign.mjs <endpoint> <accessKey> <secretKey> <bucket>
import { S3Client, PutObjectCommand, GetObjectCommand, CreateBucketCommand } from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { createHash, randomBytes } from "node:crypto";

const [endpoint, accessKeyId, secretAccessKey, bucket] = process.argv.slice(2);
const s3 = new S3Client({
  endpoint,
  region: "us-east-1",
  forcePathStyle: true,
  credentials: { accessKeyId, secretAccessKey },
});
const md5 = (bytes) => createHash("md5").update(bytes).digest("hex");
const result = {};

await s3.send(new CreateBucketCommand({ Bucket: bucket }));

// The client: a PUT with the SDK's default flexible checksum, read back.
const direct = randomBytes(300 * 1024);
const put = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "sdk/direct.bin", Body: direct }));
const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: "sdk/direct.bin" }));
const gotBytes = Buffer.from(await got.Body.transformToByteArray());
result.client = { etag: put.ETag, expected: `"${md5(direct)}"`, same: gotBytes.equals(direct) };

// Presigned PUT without and with a checksum algorithm, then presigned GETs, used with fetch().
for (const algorithm of [undefined, "CRC32", "SHA256"]) {
  const body = randomBytes(64 * 1024 + 3);
  const key = `presigned/${algorithm ?? "plain"}.bin`;
  const input = { Bucket: bucket, Key: key, ContentType: "application/octet-stream" };
  if (algorithm) {
    input.ChecksumAlgorithm = algorithm;
  }
  const putUrl = await getSignedUrl(s3, new PutObjectCommand(input), { expiresIn: 300 });
  const headers = { "content-type": "application/octet-stream" };
  const url = new URL(putUrl);
  // A checksum the presigner signed into the URL must be the body's: compute it as a browser page would.
  const checksumParam = [...url.searchParams.keys()].find((k) => k.toLowerCase().startsWith("x-amz-checksum-"));
  if (checksumParam && algorithm === "SHA256") {
    headers["x-amz-checksum-sha256"] = createHash("sha256").update(body).digest("base64");
  }
  const putAnswer = await fetch(putUrl, { method: "PUT", body, headers });
  const getUrl = await getSignedUrl(s3, new GetObjectCommand({ Bucket: bucket, Key: key }), { expiresIn: 300 });
  const getAnswer = await fetch(getUrl);
  const back = Buffer.from(await getAnswer.arrayBuffer());
  result[algorithm ?? "plain"] = {
    queryParameters: [...url.searchParams.keys()].sort(),
    putStatus: putAnswer.status,
    putError: putAnswer.ok ? null : await putAnswer.text(),
    etag: putAnswer.headers.get("etag"),
    expected: `"${md5(body)}"`,
    getStatus: getAnswer.status,
    same: back.equals(body),
  };
}
console.log(JSON.stringify(result));
