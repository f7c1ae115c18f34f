# Starting billtap-sandbox from the integration scripts (sourced; needs $sandbox_bin). Makes
# the scratch directory $work; at exit, stops every sandbox started and removes $work.
work=$(mktemp -d)
pids=()
# The CLI paces itself to each provider's documented rate (docs/observability.md); the
# tests set the limit they test on the sandbox instead, so pacing is off (rate_limit=0).
export BILLTAP_STRIPE_RATE_LIMIT=0 BILLTAP_PAYPAL_RATE_LIMIT=0
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
  rm -rf "$work"
}
trap cleanup EXIT

# start_sandbox NAME ARGS...: sets URL_<NAME>, SETTINGS_<NAME> (the sandbox's "settings:"
# line) and truth dir $work/NAME (Stripe unless the arguments say --provider)
start_sandbox() {
  local name=$1; shift
  local provider=(--provider stripe)
  [[ " $* " == *" --provider "* ]] && provider=()
  mkdir -p "$work/$name"
  coproc SB { exec "$sandbox_bin" "${provider[@]}" --port 0 --truth "$work/$name" "$@"; }
  local line settings
  read -r line <&"${SB[0]}"
  read -r settings <&"${SB[0]}"
  pids+=("$SB_PID")
  eval "URL_$name=\${line#listening on }"
  eval "SETTINGS_$name=\${settings#settings: }"
}
# sets NAME: the sandbox's settings as --set arguments, the same way for every provider
sets() { local v="SETTINGS_$1" kv; for kv in ${!v}; do printf -- '--set\n%s\n' "$kv"; done; }
# settings_file NAME FILE: the sandbox's settings as a settings file (mode 600)
settings_file() { local v="SETTINGS_$1"; (umask 077; tr ' ' '\n' <<<"${!v}" > "$2"); }

normalize() { jq -S -c . | LC_ALL=C sort; }
