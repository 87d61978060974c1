#!/usr/bin/env bash
# Drives a running Granary with rclone: mkdir, copy a 30 MiB file (multipart), check, sync, delete.
set -euo pipefail
unset AWS_CA_BUNDLE || true
export RCLONE_CONFIG_G_TYPE=s3 RCLONE_CONFIG_G_PROVIDER=Other RCLONE_CONFIG_G_ENDPOINT="$ENDPOINT" \
  RCLONE_CONFIG_G_ACCESS_KEY_ID="$AWS_ACCESS_KEY_ID" RCLONE_CONFIG_G_SECRET_ACCESS_KEY="$AWS_SECRET_ACCESS_KEY" \
  RCLONE_CONFIG_G_REGION=us-east-1 RCLONE_CONFIG_G_FORCE_PATH_STYLE=true
R="rclone --config /dev/null --retries 1 --low-level-retries 1"
$R mkdir g:rclone-bucket
mkdir -p "$WORK/rc"
head -c $((30 * 1024 * 1024)) /dev/urandom > "$WORK/rc/big.bin"
echo small > "$WORK/rc/small.txt"
$R copy "$WORK/rc" g:rclone-bucket/data --s3-upload-cutoff 8M --s3-chunk-size 5M
$R check "$WORK/rc" g:rclone-bucket/data
mkdir -p "$WORK/rc-back"
$R copy g:rclone-bucket/data "$WORK/rc-back"
cmp "$WORK/rc/big.bin" "$WORK/rc-back/big.bin"
[[ $($R lsf g:rclone-bucket/data | wc -l) -eq 2 ]]
$R purge g:rclone-bucket
echo "rclone: OK"
