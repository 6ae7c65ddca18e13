"""Checks Netwright's ONNX exports with the ONNX package's own checker and shape inference.

Usage: check_onnx.py FILE.onnx...  Prints one line per file; exits 1 at the first file that fails.
Debian's python3-onnx (1.12) is what an ONNX toolchain of 2022 reads: IR version 8, opset 17.
"""
import sys

import onnx
from onnx import shape_inference


def dims(value_info):
    return [d.dim_param or d.dim_value for d in value_info.type.tensor_type.shape.dim]


def check(path):
    model = onnx.load(path)
    # full_check runs strict shape inference too: every node's inputs must have the shapes and
    # types its operator accepts at the imported opset.
    onnx.checker.check_model(model, full_check=True)
    inferred = shape_inference.infer_shapes(model, check_type=True, strict_mode=True)
    known = {v.name: dims(v) for v in inferred.graph.value_info}
    declared = {v.name: dims(v) for v in model.graph.output}
    opset = [o.version for o in model.opset_import if o.domain in ("", "ai.onnx")]
    print("ok %s ir %d opset %s nodes %d outputs %s intermediate %d" % (
        path, model.ir_version, opset, len(model.graph.node), declared, len(known)))


def main():
    for path in sys.argv[1:]:
        try:
            check(path)
        except Exception as e:  # report which file and why, for the Java side's assertion
            print("FAILED %s: %s: %s" % (path, type(e).__name__, e))
            sys.exit(1)


if __name__ == "__main__":
    main()
