"""Drives a running Granary with boto3: buckets, a 20 MiB multipart upload_file, listing, presign, errors."""
import hashlib
import os
import sys
import urllib.request

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
    config=Config(signature_version="s3v4", s3={"addressing_style": "path"}),
)
work = os.environ["WORK"]
bucket = "boto3-bucket"
s3.create_bucket(Bucket=bucket)
assert bucket in [b["Name"] for b in s3.list_buckets()["Buckets"]]

data = os.urandom(20 * 1024 * 1024 + 3)
src = os.path.join(work, "boto.bin")
with open(src, "wb") as f:
    f.write(data)
s3.upload_file(src, bucket, "dir/boto.bin", Config=TransferConfig(multipart_threshold=8 * 1024 * 1024,
                                                                   multipart_chunksize=8 * 1024 * 1024))
back = os.path.join(work, "boto.back")
s3.download_file(bucket, "dir/boto.bin", back)
with open(back, "rb") as f:
    assert hashlib.sha256(f.read()).digest() == hashlib.sha256(data).digest(), "download differs"

s3.put_object(Bucket=bucket, Key="small.txt", Body=b"hello", Metadata={"k": "v"}, ContentType="text/plain")
head = s3.head_object(Bucket=bucket, Key="small.txt")
assert head["Metadata"] == {"k": "v"}, head["Metadata"]
assert head["ContentType"] == "text/plain"
got = s3.get_object(Bucket=bucket, Key="small.txt", Range="bytes=1-3")["Body"].read()
assert got == b"ell", got

keys = []
for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, PaginationConfig={"PageSize": 1}):
    keys += [o["Key"] for o in page.get("Contents", [])]
assert keys == ["dir/boto.bin", "small.txt"], keys
listed = s3.list_objects(Bucket=bucket, Delimiter="/")
assert [p["Prefix"] for p in listed["CommonPrefixes"]] == ["dir/"]

url = s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "small.txt"}, ExpiresIn=300)
assert urllib.request.urlopen(url).read() == b"hello"

try:
    s3.get_object(Bucket=bucket, Key="missing")
    sys.exit("expected NoSuchKey")
except ClientError as e:
    assert e.response["Error"]["Code"] == "NoSuchKey", e.response
try:
    s3.delete_bucket(Bucket=bucket)
    sys.exit("expected BucketNotEmpty")
except ClientError as e:
    assert e.response["Error"]["Code"] == "BucketNotEmpty", e.response

s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": "dir/boto.bin"}, {"Key": "small.txt"}]})
s3.delete_bucket(Bucket=bucket)
print("boto3: OK")
