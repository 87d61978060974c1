"""Drives a running Granary with boto3 signing Signature Version 2 (Config(signature_version='s3')): header
signatures on object, bucket and subresource requests (acl, uploads, partNumber/uploadId), presigned URLs
(AWSAccessKeyId, Expires, Signature) for GET and PUT, and a POST form signed with V2."""
import hashlib
import os
import urllib.error
import urllib.request
import uuid

import boto3
from botocore.client import Config
from botocore.exceptions import ClientError
from boto3.s3.transfer import TransferConfig

s3 = boto3.client(
    "s3",
    endpoint_url=os.environ["ENDPOINT"],
    aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"],
    aws_secret_access_key=os.environ["AWS_SECRET_ACCESS_KEY"],
    region_name="us-east-1",
    config=Config(signature_version="s3", s3={"addressing_style": "path"}),
)
work = os.environ["WORK"]
bucket = "sigv2-bucket"
s3.create_bucket(Bucket=bucket)
assert bucket in [b["Name"] for b in s3.list_buckets()["Buckets"]]

key = "dir/a key+with=odd&chars ü.txt"
s3.put_object(Bucket=bucket, Key=key, Body=b"hello v2", Metadata={"k": "v"}, ContentType="text/plain")
head = s3.head_object(Bucket=bucket, Key=key)
assert head["Metadata"] == {"k": "v"}, head
assert s3.get_object(Bucket=bucket, Key=key)["Body"].read() == b"hello v2"
assert [o["Key"] for o in s3.list_objects_v2(Bucket=bucket, Prefix="dir/")["Contents"]] == [key]
s3.copy_object(Bucket=bucket, Key="copy.txt", CopySource={"Bucket": bucket, "Key": key})

# Subresources are part of the V2 string to sign.
s3.put_object_acl(Bucket=bucket, Key=key, ACL="public-read")
grants = s3.get_object_acl(Bucket=bucket, Key=key)["Grants"]
assert any(g["Grantee"].get("URI", "").endswith("/AllUsers") for g in grants), grants
anonymous = urllib.request.urlopen(os.environ["ENDPOINT"] + "/" + bucket + "/dir/a%20key%2Bwith%3Dodd%26chars%20%C3%BC.txt")
assert anonymous.read() == b"hello v2"

# Multipart: ?uploads, ?partNumber=&uploadId=, ?uploadId= signed with V2.
data = os.urandom(12 * 1024 * 1024 + 5)
src = os.path.join(work, "v2.bin")
with open(src, "wb") as f:
    f.write(data)
s3.upload_file(src, bucket, "big.bin", Config=TransferConfig(multipart_threshold=5 * 1024 * 1024,
                                                              multipart_chunksize=5 * 1024 * 1024))
got = s3.get_object(Bucket=bucket, Key="big.bin")["Body"].read()
assert hashlib.sha256(got).digest() == hashlib.sha256(data).digest(), "multipart download differs"

# Presigned URLs in the V2 query form.
url = s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": key}, ExpiresIn=300)
assert "AWSAccessKeyId=" in url and "Signature=" in url, url
assert urllib.request.urlopen(url).read() == b"hello v2"
put_url = s3.generate_presigned_url("put_object", Params={"Bucket": bucket, "Key": "presigned.txt"}, ExpiresIn=300)
# (urllib would add a form Content-Type, which V2 signs: send the empty one the URL was signed with.)
urllib.request.urlopen(urllib.request.Request(put_url, data=b"put by url", method="PUT",
                                              headers={"Content-Type": ""})).read()
assert s3.get_object(Bucket=bucket, Key="presigned.txt")["Body"].read() == b"put by url"
try:
    urllib.request.urlopen(url.replace("Signature=", "Signature=x"))
    raise AssertionError("a tampered signature was accepted")
except urllib.error.HTTPError as e:
    assert e.code == 403, e.code

# A POST form signed with V2.
post = s3.generate_presigned_post(bucket, "form/${filename}", ExpiresIn=300)
assert "AWSAccessKeyId" in post["fields"] and "signature" in post["fields"], post["fields"]
boundary = uuid.uuid4().hex
body = b""
for name, value in post["fields"].items():
    body += ("--%s\r\nContent-Disposition: form-data; name=\"%s\"\r\n\r\n%s\r\n" % (boundary, name, value)).encode()
body += ("--%s\r\nContent-Disposition: form-data; name=\"file\"; filename=\"up.txt\"\r\n"
         "Content-Type: text/plain\r\n\r\n" % boundary).encode() + b"form bytes\r\n" + ("--%s--\r\n" % boundary).encode()
r = urllib.request.urlopen(urllib.request.Request(post["url"], data=body, method="POST",
                                                  headers={"Content-Type": "multipart/form-data; boundary=" + boundary}))
assert r.status == 204, r.status
assert s3.get_object(Bucket=bucket, Key="form/up.txt")["Body"].read() == b"form bytes"

# A wrong secret is SignatureDoesNotMatch.
bad = boto3.client("s3", endpoint_url=os.environ["ENDPOINT"], aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"],
                   aws_secret_access_key="wrong", region_name="us-east-1",
                   config=Config(signature_version="s3", s3={"addressing_style": "path"}))
try:
    bad.get_object(Bucket=bucket, Key=key)
    raise AssertionError("a wrong secret was accepted")
except ClientError as e:
    assert e.response["Error"]["Code"] == "SignatureDoesNotMatch", e.response["Error"]

for k in [key, "copy.txt", "big.bin", "presigned.txt", "form/up.txt"]:
    s3.delete_object(Bucket=bucket, Key=k)
s3.delete_bucket(Bucket=bucket)
print("boto3 sigv2: OK")
