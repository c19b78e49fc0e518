"""What hw/gen.py and hw/gen_link.py share: read a JSON spec, stamp its hash, write each output
only when its text changed (so make and the simulator build see no change when there is none)."""
import hashlib, json, os, sys


def generate(makers):
    """usage: SCRIPT SPEC.json OUT_DIR; makers maps an output file name to f(spec, digest) -> text."""
    src, out = sys.argv[1], sys.argv[2]
    raw = open(src, "rb").read()
    digest = hashlib.sha256(raw).hexdigest()[:16]
    spec = json.loads(raw)
    os.makedirs(out, exist_ok=True)
    for name, make in makers.items():
        text = make(spec, digest)
        path = os.path.join(out, name)
        if not os.path.exists(path) or open(path).read() != text:
            open(path, "w").write(text)
