#!/usr/bin/env bash
# Runs every command on two capfloor binaries and compares what each writes, byte for byte:
# stdout, stderr, exit code and every file written. For refactors that must not change behaviour.
#
#   bash benchmarks/same-output.sh OLD_BINARY NEW_BINARY
#   ONLY=dossier bash benchmarks/same-output.sh OLD NEW   # only the cases whose command has "dossier"
#
# Exit 0 when every output is identical; otherwise the differing cases are listed (with a diff).
# Inputs: the examples/, the embedded registry, and a small checkpoint and ledger made here.
set -euo pipefail

old=$(realpath "$1")
new=$(realpath "$2")
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# A fixture checkpoint: one safetensors file (header only matters) and its config.
mkdir -p "$work/in/ckpt"
python3 - "$work/in/ckpt" <<'EOF'
import json, struct, sys, os
d = sys.argv[1]
tensors, off = {}, 0
def add(name, shape):
    global off
    n = 2
    for s in shape: n *= s
    tensors[name] = {"dtype": "BF16", "shape": shape, "data_offsets": [off, off + n]}
    off += n
add("model.embed_tokens.weight", [512, 64])
for i in range(2):
    for p in ("q_proj", "k_proj", "v_proj", "o_proj"):
        add(f"model.layers.{i}.self_attn.{p}.weight", [64, 64])
    for p, s in (("gate_proj", [128, 64]), ("up_proj", [128, 64]), ("down_proj", [64, 128])):
        add(f"model.layers.{i}.mlp.{p}.weight", s)
add("lm_head.weight", [512, 64])
h = json.dumps(tensors).encode()
with open(os.path.join(d, "model.safetensors"), "wb") as f:
    f.write(struct.pack("<Q", len(h)) + h + b"\0" * off)
json.dump({"model_type": "llama", "hidden_size": 64, "num_hidden_layers": 2,
           "tie_word_embeddings": False}, open(os.path.join(d, "config.json"), "w"))
EOF
cat >"$work/in/ledger.csv" <<'EOF'
date,consignee,consignee_hq,destination,chip,quantity
2025-03-01,Acme,US,DE,H100-SXM,1000
2025-04-01,Beta,IN,IN,H100-SXM,20000
2025-05-01,Gamma,CN,CN,H100-SXM,10
EOF
# Every ceiling: LPP per consignee and site, the allocation (with --g2g), UVEU shares (a US
# holder), an NVEU schedule, a tier 3 holder and destination.
cat >"$work/in/ledger-veu.csv" <<'EOF'
date,consignee,consignee_hq,destination,chip,quantity,site,operator
2025-02-01,Acme,US,IN,H100-SXM,1500,Pune-1,
2025-03-01,Acme,US,IN,H100-SXM,1500,Pune-1,
2025-03-02,Beta,IN,IN,H100-SXM,3000,Pune-1,
2026-01-05,Acme,US,IN,H100-SXM,800,,
2025-04-01,Cloud,US,US,H100-SXM,5000,,Cloud
2025-04-02,Cloud,US,IN,H100-SXM,3000,,Cloud
2025-04-03,Cloud,US,DE,H100-SXM,1000,,Cloud
2025-05-01,Desi,IN,IN,H100-SXM,40000,,Desi
2028-01-01,Desi,IN,IN,H100-SXM,10,,Desi
2025-06-01,Red,CN,AE,H100-SXM,10,,Red
2025-06-02,Gamma,CN,CN,H100-SXM,10,,
EOF
cat >"$work/in/whatif.toml" <<'EOF'
id = "strong"
released = 2026-06-30
capability = 200.0
EOF
cat >"$work/in/whatif-scores.toml" <<'EOF'
released = 2026-06-30
[benchmarks]
gpqa_diamond = 0.9
mmlu = 0.93
EOF
cp "$repo"/examples/*.toml "$work/in/"

cases=(
  "floor --as-of 2026-11-01"
  "floor --as-of 2026-11-01 --json"
  "floor --as-of 2024-10-01 --recipe median"
  "floor --as-of 2025-06-01 --recipe p90 --json"
  "floor history --from 2023-01-01 --to 2026-11-01 --step quarter"
  "floor history --from 2024-01-01 --to 2025-01-01 --step month --json"
  "floor project --as-of 2026-11-01 --until 2032-01-01"
  "floor project --as-of 2026-11-01 --until 2030-01-01 --json"
  "floor what-if --add in/whatif.toml --as-of 2026-11-01"
  "floor what-if --add in/whatif-scores.toml --as-of 2026-11-01 --json"
  "backtest"
  "backtest --json"
  "capability"
  "capability --open --as-of 2025-01-01 --json"
  "capability --benchmarks"
  "capability --check"
  "capability --check --json"
  "registry validate"
  "registry audit"
  "registry audit --json"
  "registry list"
  "registry list --open --since 2025-01-01 --json"
  "registry show kimi-k2.5"
  "registry show DeepSeek-V3 --json"
  "registry show deepsek-v3"
  "inspect in/ckpt"
  "inspect in/ckpt --json"
  "declaration schema"
  "declaration check in/straddle-300b.toml"
  "declaration check in/small-8b.toml --checkpoint in/ckpt"
  "classify --declaration in/straddle-300b.toml --as-of 2026-11-01"
  "classify --declaration in/straddle-300b.toml --as-of 2026-11-01 --json"
  "classify --declaration in/mid-200b.toml --as-of 2026-11-01"
  "classify --declaration in/finetune-llama-405b.toml --as-of 2026-11-01 --json"
  "classify --declaration in/small-8b.toml --checkpoint in/ckpt --as-of 2026-11-01"
  "classify --declaration in/straddle-300b.toml --as-of 2026-11-01 --fail-on above --regime ca-sb53"
  "classify --declaration in/straddle-300b.toml --regime nonesuch --fail-on above"
  "regimes --as-of 2026-11-01"
  "regimes --as-of 2026-11-01 --json"
  "tpp h100-sxm"
  "tpp h100-sxm --json"
  "tpp --tops 1979 --bits 8 --die-area 814"
  "shipments check in/ledger.csv"
  "shipments check in/ledger.csv --json --fail-on exceed"
  "shipments check in/ledger-veu.csv"
  "shipments check in/ledger-veu.csv --json --g2g IN --fail-on exceed --include-unconfirmed"
  "dossier --declaration in/small-8b.toml --checkpoint in/ckpt --out out/dossier --as-of 2026-11-01"
  "dossier --declaration in/straddle-300b.toml --checkpoint in/ckpt --out out/dossier --as-of 2026-11-01 --no-hash --json"
  "dossier --declaration in/finetune-llama-405b.toml --checkpoint in/ckpt --out out/dossier --as-of 2025-03-01 --recipe p90"
  "dossier --declaration in/mid-200b.toml --checkpoint in/ckpt --out out/dossier --as-of 2021-01-01"
  "dossier --declaration in/small-8b.toml --checkpoint in/ckpt --out out/dossier --as-of 2021-01-01 --no-hash"
  "chart floor --out out/floor.png --from 2023-01-01 --to 2026-11-01"
  "chart frontier --out out/frontier.svg --to 2026-11-01"
  "chart progress --out out/progress.png --to 2026-11-01"
  "chart project --out out/project.png --from 2023-01-01 --to 2026-11-01 --until 2030-01-01"
  "explore --out out/floor.html --as-of 2026-11-01 --resamples 100"
)

# The import, where the shared Epoch exports sit beside the repository (as in CI).
if [ -d "$repo/../shared/data-sources" ]; then
  ln -s "$(realpath "$repo/../shared/data-sources")" "$work/in/epoch"
  cp "$repo/data/overrides.csv" "$work/in/overrides.csv"
  cases+=(
    "registry import --epoch in/epoch --out out --overrides in/overrides.csv"
    "registry import --epoch in/epoch --out out --no-overrides --json"
  )
fi

failed=0
run() { # binary, case, directory
  mkdir -p "$3/out"
  cp -r "$work/in" "$3/in"
  (cd "$3" && set +e && read -ra args <<<"$2" && "$1" "${args[@]}" >stdout 2>stderr; echo $? >code)
}
for i in "${!cases[@]}"; do
  c=${cases[$i]}
  [[ -n "${ONLY:-}" && "$c" != *"$ONLY"* ]] && continue
  a="$work/old/$i" b="$work/new/$i"
  mkdir -p "$a" "$b"
  run "$old" "$c" "$a"
  run "$new" "$c" "$b"
  if ! diff -r "$a" "$b" >"$work/diff.$i" 2>&1; then
    echo "DIFFERS: capfloor $c"
    head -40 "$work/diff.$i" | sed 's/^/    /'
    failed=$((failed + 1))
  else
    echo "same:    capfloor $c (exit $(cat "$a/code"))"
  fi
done
echo "${#cases[@]} cases${ONLY:+ (only those with \"$ONLY\" run)}, $failed differ"
[ "$failed" -eq 0 ]
