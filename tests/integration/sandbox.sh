# Starting billtap-sandbox from the integration scripts (sourced; needs $sandbox_bin). Makes
# the scratch directory $work; at exit, stops every sandbox started and removes $work.
work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
  rm -rf "$work"
}
trap cleanup EXIT

# start_sandbox NAME ARGS...: sets URL_<NAME>, SETTINGS_<NAME> (the sandbox's "settings:"
# line), AT_<NAME> (an array: the CLI arguments that point a run at it, --base-url and the
# line's rate_limit, which is 0 when the sandbox limits nothing; the credentials come from
# the environment or a settings file) and truth dir $work/NAME (Stripe unless the arguments
# say --provider)
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
  local at=(--base-url "${line#listening on }") kv
  for kv in ${settings#settings: }; do
    [[ $kv == rate_limit=* ]] && at+=(--set "$kv")
  done
  eval "AT_$name=(\"\${at[@]}\")"
}
# sets NAME: the sandbox's settings as --set arguments, the same way for every provider
sets() { local v="SETTINGS_$1" kv; for kv in ${!v}; do printf -- '--set\n%s\n' "$kv"; done; }
# settings_file NAME FILE: the sandbox's settings as a settings file (mode 600)
settings_file() { local v="SETTINGS_$1"; (umask 077; tr ' ' '\n' <<<"${!v}" > "$2"); }

normalize() { jq -S -c . | LC_ALL=C sort; }
