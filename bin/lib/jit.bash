# Sourced by bin/buurtsignaal (and by its test, LauncherJitTest): which JIT a command runs on.
# choose_jit COMMAND ARGS... prints quick (the JIT's first tier only, C1) or full (both tiers).
# Needs BUURTSIGNAAL_HOME (the project). The launcher says why.
arg_values() { # NAME: each value of --NAME VALUE or --NAME=VALUE among the command's arguments
  local i
  for ((i = 0; i < ${#ARGS[@]}; i++)); do
    if [[ "${ARGS[i]}" == "--$1" && $((i + 1)) -lt ${#ARGS[@]} ]]; then echo "${ARGS[i + 1]}"
    elif [[ "${ARGS[i]}" == "--$1="* ]]; then echo "${ARGS[i]#*=}"
    fi
  done
}
small_input_setting() { # KEY DEFAULT: small_input.KEY from conf/buurtsignaal.yaml, a --conf file, then --set
  local value="$2" file line
  for file in "$BUURTSIGNAAL_HOME/conf/buurtsignaal.yaml" $(arg_values conf); do
    line=$(awk -v key="$1:" '/^[^ #]/ { inside = ($1 == "small_input:") } inside && $1 == key { print $2; exit }' "$file" 2>/dev/null || true)
    [[ -n "$line" ]] && value="${line//\"/}"
  done
  while read -r line; do
    [[ "$line" == "small_input.$1="* ]] && value="${line#*=}"
  done < <(arg_values set)
  echo "$value"
}
local_bytes() { # DIR...: the bytes of the files under each local folder (a Hadoop URI counts as large)
  local total=0 dir
  for dir in "$@"; do
    if [[ "$dir" == *://* ]]; then echo 999999999999; return; fi
    [[ -d "$dir" ]] && total=$((total + $(find "$dir" -type f -printf '%s\n' | awk '{ s += $1 } END { print s + 0 }')))
  done
  echo "$total"
}
default_lake() {
  local lake
  lake=$(awk '$1 == "lake:" { print $2; exit }' "$BUURTSIGNAAL_HOME/conf/buurtsignaal.yaml" 2>/dev/null || true)
  [[ "$lake" == /* ]] && echo "$lake" || echo "$BUURTSIGNAAL_HOME/conf/${lake:-../lake}"
}
choose_jit() {
  local lake input mode
  ARGS=("$@")
  lake=$(arg_values lake | tail -1)
  lake="${lake:-$(default_lake)}"
  case "${1:-}" in
    sql) echo quick; return ;;
    demo) input=$(arg_values sample | tail -1); input=$(local_bytes "${input:-$BUURTSIGNAAL_HOME/sample-parquet}") ;;
    ingest) input=$(local_bytes "$(arg_values landing | tail -1)" "$lake/bronze") ;;
    run) input=$(local_bytes "$lake/bronze") ;;
    *) echo full; return ;;
  esac
  mode=$(small_input_setting mode auto)
  case "$mode" in
    on | true) echo quick ;;
    off | false) echo full ;;
    *) (( input < $(small_input_setting max_input_mb 20) * 1024 * 1024 )) && echo quick || echo full ;;
  esac
}
