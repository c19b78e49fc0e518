#!/usr/bin/env python3
"""Extract arrays of an .npz into .npy files: npz_split.py FILE.npz KEY:OUT.npy ..."""
import sys
import numpy as np

def main():
    data = np.load(sys.argv[1])
    for spec in sys.argv[2:]:
        key, out = spec.split(":", 1)
        if key not in data:
            sys.exit(f"npz_split: {sys.argv[1]} has no array '{key}' (has {', '.join(data.files)})")
        arr = data[key]
        if key == "labels":
            arr = arr.astype(np.int64)
        np.save(out, arr)

if __name__ == "__main__":
    main()
