#!/usr/bin/env python3
"""Runs Netwright's .npz exports in PyTorch, for samples' NpzPyTorchTest.

  /usr/bin/python3 compare_npz.py INPUT.npy NETWORK WEIGHTS.npz OUTPUT.npy [NETWORK WEIGHTS.npz OUTPUT.npy ...]

For each NETWORK (simple, inception or resnet): checks that every entry of WEIGHTS.npz is a
NumPy 1.0 .npy array as np.save writes it, builds the PyTorch lecture's module (the definitions
are copied from tools/pytorch_reference.py), loads WEIGHTS.npz with load_state_dict(strict=True),
runs it in eval mode on INPUT.npy and saves its float32 output to OUTPUT.npy. It also writes the
module's state_dict back as float64 with np.savez to WEIGHTS.npz with the suffix .torch.npz, for
the test to import (float64 to float32).

Exits with status 3 and a message when PyTorch is missing: install Debian's python3-torch.
"""
import io
import sys
import zipfile

try:
    import numpy as np
    import torch
    import torch.nn as nn
    import torch.nn.functional as F
except ImportError as e:
    print(f"PyTorch (with NumPy) is not installed for {sys.executable} ({e}): sudo apt-get install python3-torch")
    sys.exit(3)


# From tools/pytorch_reference.py: the lecture's networks.
class SimpleNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 10, 5)
        self.conv2 = nn.Conv2d(10, 20, 5)
        self.fc = nn.Linear(320, 10)

    def forward(self, x):
        x = F.relu(F.max_pool2d(self.conv1(x), 2))
        x = F.relu(F.max_pool2d(self.conv2(x), 2))
        return self.fc(x.view(x.size(0), -1))


class InceptionA(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.branch1x1 = nn.Conv2d(c, 16, 1)
        self.branch5x5_1 = nn.Conv2d(c, 16, 1)
        self.branch5x5_2 = nn.Conv2d(16, 24, 5, padding=2)
        self.branch3x3_1 = nn.Conv2d(c, 16, 1)
        self.branch3x3_2 = nn.Conv2d(16, 24, 3, padding=1)
        self.branch3x3_3 = nn.Conv2d(24, 24, 3, padding=1)
        self.branch_pool = nn.Conv2d(c, 24, 1)

    def forward(self, x):
        b1 = self.branch1x1(x)
        b5 = self.branch5x5_2(self.branch5x5_1(x))
        b3 = self.branch3x3_3(self.branch3x3_2(self.branch3x3_1(x)))
        bp = self.branch_pool(F.avg_pool2d(x, 3, stride=1, padding=1))
        return torch.cat([b1, b5, b3, bp], 1)


class InceptionNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 10, 5)
        self.conv2 = nn.Conv2d(88, 20, 5)
        self.incep1 = InceptionA(10)
        self.incep2 = InceptionA(20)
        self.fc = nn.Linear(1408, 10)

    def forward(self, x):
        x = self.incep1(F.relu(F.max_pool2d(self.conv1(x), 2)))
        x = self.incep2(F.relu(F.max_pool2d(self.conv2(x), 2)))
        return self.fc(x.view(x.size(0), -1))


class ResidualBlock(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv1 = nn.Conv2d(c, c, 3, padding=1)
        self.conv2 = nn.Conv2d(c, c, 3, padding=1)

    def forward(self, x):
        return F.relu(x + self.conv2(F.relu(self.conv1(x))))


class ResNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 16, 5)
        self.conv2 = nn.Conv2d(16, 32, 5)
        self.rblock1 = ResidualBlock(16)
        self.rblock2 = ResidualBlock(32)
        self.fc = nn.Linear(512, 10)

    def forward(self, x):
        x = self.rblock1(F.max_pool2d(F.relu(self.conv1(x)), 2))
        x = self.rblock2(F.max_pool2d(F.relu(self.conv2(x)), 2))
        return self.fc(x.view(x.size(0), -1))


NETWORKS = {"simple": SimpleNet, "inception": InceptionNet, "resnet": ResNet}


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
