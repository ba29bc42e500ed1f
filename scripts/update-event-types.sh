#!/usr/bin/env bash
# Regenerates crates/stripe-receiver-macros/data/stripe-event-types.txt, the list of Stripe
# webhook event types that #[stripe_receiver(...)] checks names against, from the `stripe`
# package on npm (Stripe's official Node library, regenerated from Stripe's API spec).
#
#   scripts/update-event-types.sh            # the latest published version
#   scripts/update-event-types.sh 23.1.0     # a given version
#
# Needs npm (registry access only: `npm pack` downloads the package tarball), tar and python3.
# The list is the union type WebhookEndpointCreateParams.EnabledEvent of the package's
# TypeScript declarations, without '*'. The first line of the file records where it came from;
# the macro quotes it in its error messages. Review the diff, then run the macro's tests.
set -euo pipefail

VERSION="${1:-latest}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
OUT="$ROOT/crates/stripe-receiver-macros/data/stripe-event-types.txt"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

cd "$WORK"
TARBALL="$(npm pack "stripe@$VERSION" --silent | tail -n 1)"
tar xzf "$TARBALL"

DECLARATIONS="package/cjs/resources/WebhookEndpoints.d.ts"
if [[ ! -f "$DECLARATIONS" ]]; then
    # Older or reorganised packages: the file that declares the namespace, wherever it is.
    DECLARATIONS="$(grep -rl --include='*.d.ts' 'namespace WebhookEndpointCreateParams' package | head -n 1)"
fi
if [[ -z "$DECLARATIONS" || ! -f "$DECLARATIONS" ]]; then
    echo "error: no declaration of WebhookEndpointCreateParams in $TARBALL" >&2
    exit 1
fi

python3 - "$WORK/package/package.json" "$DECLARATIONS" "$OUT" <<'PY'
import json
import re
import sys

package_json, declarations, out = sys.argv[1:4]
package = json.load(open(package_json))
source = open(declarations).read()

namespace = source.find("namespace WebhookEndpointCreateParams")
if namespace < 0:
    sys.exit(f"error: no namespace WebhookEndpointCreateParams in {declarations}")
union = re.search(r"type\s+EnabledEvent\s*=\s*([^;]*);", source[namespace:])
if not union:
    sys.exit(f"error: no type EnabledEvent in WebhookEndpointCreateParams ({declarations})")
names = sorted(set(re.findall(r"'([^']*)'|\"([^\"]*)\"", union.group(1))))
types = sorted({single or double for single, double in names} - {"*"})

well_formed = re.compile(r"^[a-z0-9_]+(\.[a-z0-9_]+)+$")
bad = [name for name in types if not well_formed.match(name)]
if bad:
    sys.exit(f"error: unexpected event type names: {bad}")
if len(types) < 100:
    sys.exit(f"error: only {len(types)} event types found; the declarations changed shape?")

api_version = ""
api_file = declarations.replace("resources/WebhookEndpoints.d.ts", "apiVersion.d.ts")
try:
    found = re.search(r"ApiVersion\s*=\s*[\"']([^\"']+)", open(api_file).read())
    if found:
        api_version = f"; pinned ApiVersion {found.group(1)}"
except OSError:
    pass

relative = declarations.split("package/", 1)[-1]
header = (
    "# Stripe webhook event types (v1 snapshot events): enum "
    "WebhookEndpointCreateParams.EnabledEvent minus '*', from npm package "
    f"stripe@{package['version']} ({relative}{api_version}). {len(types)} types."
)

try:
    previous = {line.strip() for line in open(out) if line.strip() and not line.startswith("#")}
except OSError:
    previous = set()
with open(out, "w") as file:
    file.write(header + "\n")
    file.writelines(name + "\n" for name in types)

added, removed = sorted(set(types) - previous), sorted(previous - set(types))
print(f"stripe@{package['version']}: {len(types)} event types written to {out}")
for name in added:
    print(f"  + {name}")
for name in removed:
    print(f"  - {name}")
PY
