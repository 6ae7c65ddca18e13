#!/usr/bin/env python3
"""The PyTorch lecture's networks trained the lecture's way, as the yardstick for Netwright.

Reads the same IDX files (Debian's dataset-fashion-mnist by default), normalises with the
lecture's (0.1307, 0.3081), trains with batch 64, SGD lr 0.01, momentum 0.5, shuffled, and prints
test accuracy and training images per second. Run with Debian's python3-torch:

  /usr/bin/python3 tools/pytorch_reference.py --network simple --limit 20000 --seed 1
"""
import argparse
import gzip
import os
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def read_idx(path):
    opener = gzip.open if open(path, "rb").read(2) == b"\x1f\x8b" else open
    with opener(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def load(directory, prefix):
    images = read_idx(os.path.join(directory, prefix + "-images-idx3-ubyte.gz"))
    labels = read_idx(os.path.join(directory, prefix + "-labels-idx1-ubyte.gz"))
    x = (torch.from_numpy(images.astype(np.float32) / 255.0) - 0.1307) / 0.3081
    return x.unsqueeze(1), torch.from_numpy(labels.astype(np.int64))


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


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--network", choices=NETWORKS, default="simple")
    p.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    p.add_argument("--limit", type=int, default=0, help="first N training images, 0 for all")
    p.add_argument("--epochs", type=int, default=1)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=2)
    a = p.parse_args()
    torch.manual_seed(a.seed)
    torch.set_num_threads(a.threads)
    x, y = load(a.data, "train")
    if a.limit:
        x, y = x[:a.limit], y[:a.limit]
    tx, ty = load(a.data, "t10k")
    model = NETWORKS[a.network]()
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.5)
    seen, seconds = 0, 0.0
    for _ in range(a.epochs):
        order = torch.randperm(len(x))
        start = time.perf_counter()
        for i in range(0, len(x), 64):
            idx = order[i:i + 64]
            opt.zero_grad()
            loss = F.cross_entropy(model(x[idx]), y[idx])
            loss.backward()
            opt.step()
            seen += len(idx)
        seconds += time.perf_counter() - start
    with torch.no_grad():
        correct = sum((model(tx[i:i + 1000]).argmax(1) == ty[i:i + 1000]).sum().item() for i in range(0, len(tx), 1000))
    print(f"{a.network}: test accuracy {100 * correct / len(tx):.2f}% after {a.epochs} epoch(s) on {len(x)} images,"
          f" {seen / seconds:,.0f} training images/s ({a.threads} threads)")


if __name__ == "__main__":
    main()
