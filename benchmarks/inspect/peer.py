"""The Python peer of `capfloor inspect`: the same walk over a sharded checkpoint with the
`safetensors` package (safe_open per shard, summing every tensor's shape). Prints the tensor count
and the stored element count."""
import json
import os
import sys

from safetensors import safe_open

root = sys.argv[1]
with open(os.path.join(root, "model.safetensors.index.json")) as f:
    shards = sorted(set(json.load(f)["weight_map"].values()))
tensors = 0
elements = 0
for shard in shards:
    with safe_open(os.path.join(root, shard), framework="numpy") as st:
        for name in st.keys():
            n = 1
            for d in st.get_slice(name).get_shape():
                n *= d
            elements += n
            tensors += 1
print(tensors, elements)
