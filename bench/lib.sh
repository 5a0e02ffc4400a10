# Shared by the bench scripts (compare.sh, load.sh): source it, do not run it.

# The URL a server printed ("... listening on http://HOST:PORT") into LOG,
# waiting up to 10 s for it; prints nothing if it never came.
url_from_log() {  # LOG
  for _ in $(seq 100); do grep -q "listening on" "$1" && break; sleep 0.1; done
  sed -n 's/.*listening on \(http[^ ]*\).*/\1/p' "$1"
}

json_get() {  # PYTHON-EXPRESSION over `d` (the JSON on stdin)
  python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"
}

# A new sandbox account at ROOT (wire.md's fixture interface) with the
# agreement accepted, token access on and one API token. Sets base, oauth,
# email, token and auth (the token's Basic header value); returns non-zero,
# naming the step on stderr, when a step fails.
account_with_token() {  # ROOT DESCRIPTION
  local account
  account=$(curl -sf -X POST "$1/conformance/v1/accounts" -H 'Content-Type: application/json' -d '{"users":[]}') ||
    { echo "cannot create a sandbox account at $1" >&2; return 1; }
  base=$(json_get 'd["account"]["base_url"]' <<<"$account")
  oauth=$(json_get 'd["account"]["admin"]["oauth_token"]' <<<"$account")
  email=$(json_get 'd["account"]["admin"]["email"]' <<<"$account")
  curl -sf -X PUT "$base/api/v2/account/settings.json" -H "Authorization: Bearer $oauth" \
    -H 'Content-Type: application/json' \
    -d '{"settings":{"api":{"accepted_api_agreement":true,"api_token_access":true}}}' >/dev/null ||
    { echo "cannot turn token access on" >&2; return 1; }
  token=$(curl -sf -X POST "$base/api/v2/api_tokens.json" -H "Authorization: Bearer $oauth" \
    -H 'Content-Type: application/json' -d "{\"api_token\":{\"description\":\"$2\"}}" |
    json_get 'd["api_token"]["token"]') || { echo "cannot create an API token" >&2; return 1; }
  auth="Basic $(printf '%s/token:%s' "$email" "$token" | base64 -w0)"
}
