#!/usr/bin/env python3
"""Runs Netwright's .npz exports in PyTorch, for samples' NpzPyTorchTest.

  /usr/bin/python3 compare_npz.py INPUT.npy NETWORK WEIGHTS.npz OUTPUT.npy [NETWORK WEIGHTS.npz OUTPUT.npy ...]

For each NETWORK (simple, inception or resnet): checks that every entry of WEIGHTS.npz is a
NumPy 1.0 .npy array as np.save writes it, builds the PyTorch lecture's module (the definitions
are tools/pytorch_reference.py's), loads WEIGHTS.npz with load_state_dict(strict=True),
runs it in eval mode on INPUT.npy and saves its float32 output to OUTPUT.npy. It also writes the
module's state_dict back as float64 with np.savez to WEIGHTS.npz with the suffix .torch.npz, for
the test to import (float64 to float32).

Exits with status 3 and a message when PyTorch is missing: install Debian's python3-torch.
"""
import io
import pathlib
import sys
import zipfile

try:
    import numpy as np
    import torch
except ImportError as e:
    print(f"PyTorch (with NumPy) is not installed for {sys.executable} ({e}): sudo apt-get install python3-torch")
    sys.exit(3)


# The lecture's networks, defined once in tools/pytorch_reference.py.
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[4] / "tools"))
from pytorch_reference import NETWORKS  # noqa: E402




def check_entries(path):
    """Each entry: a stored (uncompressed) .npy 1.0 array, data 64-byte aligned, C order, little-endian."""
    with zipfile.ZipFile(path) as z:
        for info in z.infolist():
            if info.compress_type != zipfile.ZIP_STORED:
                raise SystemExit(f"{path}: {info.filename} is compressed; np.savez stores entries")
            data = z.read(info)
            f = io.BytesIO(data)
            version = np.lib.format.read_magic(f)
            if version != (1, 0):
                raise SystemExit(f"{path}: {info.filename} is .npy version {version}, expected (1, 0)")
            shape, fortran, dtype = np.lib.format.read_array_header_1_0(f)
            if f.tell() % 64 != 0:
                raise SystemExit(f"{path}: {info.filename}'s data starts at {f.tell()}, not a multiple of 64")
            if fortran or dtype.byteorder not in ("<", "=") or dtype.kind != "f":
                raise SystemExit(f"{path}: {info.filename} is {dtype.str}, fortran_order {fortran}")
            array = np.frombuffer(data, dtype=dtype, offset=f.tell()).reshape(shape)
            saved = io.BytesIO()
            np.save(saved, array)
            if saved.getvalue()[-array.nbytes:] != data[f.tell():] or len(data) - f.tell() != array.nbytes:
                raise SystemExit(f"{path}: {info.filename}'s data is not the {array.nbytes} bytes np.save writes")


def main(argv):
    if len(argv) < 4 or (len(argv) - 1) % 3 != 0:
        raise SystemExit(__doc__)
    torch.set_num_threads(1)
    x = torch.from_numpy(np.load(argv[0]).astype(np.float32))
    for name, weights, output in zip(argv[1::3], argv[2::3], argv[3::3]):
        check_entries(weights)
        model = NETWORKS[name]()
        with np.load(weights) as z:
            state = {k: torch.from_numpy(z[k]) for k in z.files}
        model.load_state_dict(state, strict=True)
        model.eval()
        with torch.no_grad():
            y = model(x)
        np.save(output, y.numpy().astype(np.float32))
        back = {k: v.detach().double().numpy() for k, v in model.state_dict().items()}
        np.savez(weights[:-len(".npz")] + ".torch.npz", **back)
        print(f"{name}: {len(state)} arrays loaded strictly, output {tuple(y.shape)} written to {output}")


if __name__ == "__main__":
    main(sys.argv[1:])
