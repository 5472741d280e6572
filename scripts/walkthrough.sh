#!/usr/bin/env bash
# The README walk-through, end to end, against a running server (./ingest serve):
# sign up, log in, submit, poll the status, download the output and check it, with curl and then
# with the CLI's job commands (submit | wait | download); then cancel a long job and wait for it to
# end cancelled.
# With the AWS CLI on PATH it also does the sign-up with `aws cognito-idp`, as the README shows.
# AdminConfirmSignUp is signed with the server's admin key pair, <data-dir>/admin-credentials:
# give the server's data dir in INGEST_DATA_DIR (default ./data, as `./ingest serve`).
# Over https:// (a server started with --tls self-signed) every client trusts the server's
# certificate explicitly: INGEST_CA_CERT (default DATA_DIR/tls/cert.pem) goes to curl (--cacert),
# the AWS CLI (AWS_CA_BUNDLE) and ./ingest (INGEST_CA_CERT); the links must be https:// too.
#   INGEST_DATA_DIR=DATA_DIR scripts/walkthrough.sh [BASE_URL]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BASE="${1:-http://127.0.0.1:8080}"
DATA_DIR="$(cd "${INGEST_DATA_DIR:-data}" && pwd)" || {
  echo "walkthrough: no data dir ${INGEST_DATA_DIR:-./data}: set INGEST_DATA_DIR to the server's" >&2
  exit 1
}
CREDENTIALS="$DATA_DIR/admin-credentials"
CURL=(curl)
case "$BASE" in
  https://*)
    export INGEST_CA_CERT="${INGEST_CA_CERT:-$DATA_DIR/tls/cert.pem}"
    [ -r "$INGEST_CA_CERT" ] || { echo "walkthrough: no certificate to trust at $INGEST_CA_CERT" >&2; exit 1; }
    export AWS_CA_BUNDLE="$INGEST_CA_CERT"
    CURL=(curl --cacert "$INGEST_CA_CERT")
    ;;
esac
CLIENT_ID="${INGEST_CLIENT_ID:-ingestion-local-client}"
POOL_ID="${INGEST_POOL_ID:-local_ingestion}"
PASSWORD='Passw0rd!'
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"
# the token `ingest login` saves stays in the temporary dir, not in the user's config dir
export INGEST_TOKEN_FILE="$WORK/token" INGEST_ENDPOINT="$BASE"

USER1="walk-$(date +%s%N)@example.com"
"$ROOT/ingest" signup --endpoint "$BASE" --admin-credentials "$CREDENTIALS" \
    --username "$USER1" --password "$PASSWORD" >/dev/null
TOKEN=$("$ROOT/ingest" login --endpoint "$BASE" --username "$USER1" --password "$PASSWORD")

if command -v aws >/dev/null 2>&1; then
  # keys in the environment would win over the file: the CLI must sign with the server's
  unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_PROFILE
  export AWS_SHARED_CREDENTIALS_FILE="$CREDENTIALS" AWS_DEFAULT_REGION=us-east-1
  EP="--endpoint-url=$BASE"
  USER2="cli-$(date +%s%N)@example.com"
  aws cognito-idp sign-up $EP --client-id "$CLIENT_ID" --username "$USER2" \
      --password "$PASSWORD" --user-attributes Name="name",Value="$USER2" >/dev/null
  aws cognito-idp admin-confirm-sign-up $EP --user-pool-id "$POOL_ID" --username "$USER2"
  TOKEN=$(aws cognito-idp initiate-auth $EP --auth-flow USER_PASSWORD_AUTH --client-id "$CLIENT_ID" \
      --auth-parameters USERNAME="$USER2",PASSWORD="$PASSWORD" \
      --query AuthenticationResult.IdToken --output text)
  echo "aws cli: signed up, confirmed and logged in $USER2"
fi

"${CURL[@]}" -sf --location --request POST "$BASE/submit-job-request" \
  -H 'Content-Type: application/json' --data-raw '{"testMessagePayload":"payload123"}' \
  -H "Authorization: $TOKEN" > submit.xml
JOB=$(sed -n 's:.*<MessageId>\(.*\)</MessageId>.*:\1:p' submit.xml)
echo "submitted job $JOB"

for _ in $(seq 1 100); do
  "${CURL[@]}" -sf "$BASE/job-status/$JOB" -H "Authorization: $TOKEN" > status.json
  grep -q '"jobStatus":"complete"' status.json && break
  sleep 0.1
done
grep -q '"jobStatus":"complete"' status.json || { echo "job did not complete: $(cat status.json)" >&2; exit 1; }

LINK=$(sed -n 's/.*"jobProcessedPayload":"\([^"]*\)".*/\1/p' status.json)
case "$LINK" in "$BASE"/*) ;; *) echo "the download link $LINK does not start with $BASE" >&2; exit 1 ;; esac
"${CURL[@]}" -sf "$LINK" -o batch-payload-output.txt
records=$(grep -o '"station"' batch-payload-output.txt | wc -l)
for field in geoLocation localTime conditions temperature pressure humidity; do
  n=$(grep -o "\"$field\"" batch-payload-output.txt | wc -l)
  [ "$n" -eq 99 ] || { echo "expected 99 '$field' fields, got $n" >&2; exit 1; }
done
[ "$records" -eq 99 ] || { echo "expected 99 records, got $records" >&2; exit 1; }
echo "downloaded output with $records weatherData records: walk-through OK"

# the same with the CLI: the job id piped from submit to wait to download
echo '{"testMessagePayload":"payload123"}' > req.json
"$ROOT/ingest" submit req.json | "$ROOT/ingest" wait --timeout 30s \
  | "$ROOT/ingest" download -o cli-output.json
n=$(grep -o '"humidity"' cli-output.json | wc -l)
[ "$n" -eq 99 ] || { echo "cli: expected 99 records, got $n" >&2; exit 1; }
listed=$("$ROOT/ingest" jobs --status complete)
case "$listed" in *complete*) ;; *) echo "cli: jobs lists no complete job: $listed" >&2; exit 1 ;; esac
echo "cli: submit | wait | download wrote $n weatherData records: walk-through OK"
# cancel a long job: at once if it still waits, within a heartbeat (a third of the visibility
# timeout) if a worker already runs it
"${CURL[@]}" -sf -X POST "$BASE/submit-job-request" -H "Authorization: $TOKEN" \
  -H 'Content-Type: application/json' --data-raw '{"simulateDurationSeconds": 60}' > long.xml
LONG=$(sed -n 's:.*<MessageId>\(.*\)</MessageId>.*:\1:p' long.xml)
"${CURL[@]}" -sf -X DELETE "$BASE/jobs/$LONG" -H "Authorization: $TOKEN" > cancel.json
grep -Eq '"jobStatus":"(cancelled|processing)"' cancel.json \
  || { echo "unexpected cancel answer: $(cat cancel.json)" >&2; exit 1; }
for _ in $(seq 1 300); do
  "${CURL[@]}" -sf "$BASE/job-status/$LONG" -H "Authorization: $TOKEN" > long.json
  grep -q '"jobStatus":"cancelled"' long.json && break
  sleep 0.1
done
grep -q '"jobStatus":"cancelled"' long.json || { echo "job was not cancelled: $(cat long.json)" >&2; exit 1; }
code=$("${CURL[@]}" -s -o /dev/null -w '%{http_code}' -X DELETE "$BASE/jobs/$LONG" -H "Authorization: $TOKEN")
[ "$code" = 409 ] || { echo "cancelling a cancelled job answered $code, not 409" >&2; exit 1; }
echo "cancelled job $LONG: cancel OK"
