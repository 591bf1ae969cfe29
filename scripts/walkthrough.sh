#!/bin/sh
# The main job of vouch on a fresh data directory, narrated: register a build
# output by digest, verify it, promote it dev -> test -> staging -> prod with
# the right people, show what runs where, and verify the audit trail.
# Usage: scripts/walkthrough.sh PATH_TO_VOUCH
set -eu

VOUCH=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
BUILD=$(dirname "$VOUCH")
WORK="$BUILD/walkthrough"
rm -rf "$WORK"
mkdir -p "$WORK/builds"
export VOUCH_DATA="$WORK/data"

step() {
    printf '\n\033[1m== %s\033[0m\n' "$*"
}
run() {
    printf '$ vouch %s\n' "$*"
    "$VOUCH" "$@"
}

step "1. Initialize a fresh data directory (embedded SQLite store)"
run init

step "2. Create a project; it starts with the default channels dev -> test -> staging -> prod"
run project create payments

step "3. Pin a policy: what 'verified' means, allowed sources, who may promote where"
cat >"$WORK/policy.yaml" <<POLICY
apiVersion: vouch/v1
kind: Policy
baseline: [digest, source]
allowNonOci: true
groups:
  release-managers: [alice, bob]
sources:
  - {type: file, match: "$WORK/builds/**"}
channels:
  - {name: dev,     require: [digest],         promoters: ["*"]}
  - {name: test,    from: dev,  require: [digest, source], promoters: [ci]}
  - {name: staging, from: test, require: [digest, source], promoters: [ci, "@release-managers"]}
  - {name: prod,    from: staging, require: [digest, source], promoters: ["@release-managers"], environments: [eu-1, us-1]}
POLICY
cat "$WORK/policy.yaml"
run policy set --project payments "$WORK/policy.yaml"

step "4. CI builds once and registers the output by its digest"
printf 'payments-api build 1.4.2\n' >"$WORK/builds/payments-api-1.4.2.tar"
printf '$ vouch digest %s\n' "$WORK/builds/payments-api-1.4.2.tar"
DIGEST=$("$VOUCH" digest "$WORK/builds/payments-api-1.4.2.tar")
echo "$DIGEST"
run --actor ci artifact register --project payments --name payments-api --kind archive \
    --source-type file --source-uri "$WORK/builds/payments-api-1.4.2.tar" "$DIGEST"

step "5. Verify: vouch re-hashes the bytes at the source and checks the allowlist"
run --actor ci artifact verify --project payments "$DIGEST"

step "6. Promote the same digest through the channels, each by someone allowed to"
run --actor ci promote --project payments "$DIGEST" --to dev
run --actor ci promote --project payments "$DIGEST" --to test
run --actor ci promote --project payments "$DIGEST" --to staging

step "7. CI may not promote to prod: the refusal names the rule"
if run --actor ci promote --project payments "$DIGEST" --to prod --env eu-1; then
    echo "unexpected: ci promoted to prod" >&2
    exit 1
fi

step "8. A release manager promotes to prod, environment eu-1"
run --actor alice promote --project payments "$DIGEST" --to prod --env eu-1

step "9. What runs where now"
run status --project payments

step "10. Everything that happened to this digest, each step naming its audit action"
run history --project payments "$DIGEST"

step "11. The audit trail is a hash chain; verify it end to end"
run audit verify

printf '\nDone. The data directory is %s; try for example:\n' "$VOUCH_DATA"
printf '  %s --data %s artifact show --project payments %s\n' "$VOUCH" "$VOUCH_DATA" "$DIGEST"
printf '  %s --data %s audit export --project payments\n' "$VOUCH" "$VOUCH_DATA"
