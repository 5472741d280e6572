#!/usr/bin/env bash
# Lints the CloudFormation/SAM templates with the AWS cfn-lint (Python, with the SAM translator):
# template.yaml, cognito.yaml, pipeline.yaml, ecs-workers.yaml, and template.yaml with api.yaml inlined in place of
# its AWS::Include (cfn-lint cannot follow the include; inlined, it checks that every Ref / GetAtt /
# Sub in the OpenAPI file names a resource that exists once SAM has transformed the template).
# Skips, successfully, when cfn-lint is not on PATH. Exits non-zero on lint errors or warnings.
#   scripts/lint-templates.sh
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

if ! command -v cfn-lint >/dev/null 2>&1; then
  echo "lint-templates: cfn-lint not on PATH; skipped (pip install cfn-lint to run it)"
  exit 0
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# Replace the include block under DefinitionBody with api.yaml indented to its place.
awk -v api="$ROOT/api.yaml" '
  /^      DefinitionBody:$/ { print; inside = 1; next }
  inside == 1 && /^        Fn::Transform:$/ {
    while ((getline line < api) > 0) {
      if (line ~ /^[[:space:]]*#/) continue
      print (line == "" ? "" : "        " line)
    }
    close(api); inside = 2; next
  }
  inside == 2 && /^          / { next }
  { inside = 0; print }
' template.yaml > "$work/template-with-api.yaml"
if ! grep -q 'x-amazon-apigateway-integration' "$work/template-with-api.yaml"; then
  echo "lint-templates: could not inline api.yaml into template.yaml (DefinitionBody layout changed?)" >&2
  exit 1
fi

echo "lint-templates: $(cfn-lint --version)"
status=0
cfn-lint template.yaml cognito.yaml pipeline.yaml ecs-workers.yaml || status=$?
cfn-lint "$work/template-with-api.yaml" || status=$?
if [ "$status" -ne 0 ]; then
  echo "lint-templates: cfn-lint found problems (exit $status)" >&2
  exit 1
fi
echo "lint-templates: template.yaml, cognito.yaml, pipeline.yaml, ecs-workers.yaml and api.yaml pass cfn-lint"
