#!/usr/bin/env python3
"""The PyTorch side of Netwright's benchmark: a line server the Java benchmark starts once.

The lecture's networks come from tools/pytorch_reference.py (the benchmark packages it beside this
file); the VGG-style network is defined here. Each command on stdin is answered by one line on
stdout, so the Java side interleaves frameworks without paying Python's start-up each time:

  params NET                         -> ok params=N
  train NET SECONDS WARMUP           -> ok img_per_s=X steps=N rss_growth_bytes=B
  infer NET SECONDS WARMUP           -> ok img_per_s=X calls=N
  latency NET SECONDS WARMUP         -> ok ms=X calls=N
  rss                                -> ok bytes=B
  quit

Errors answer "error MESSAGE". The timing policy is the Java side's: warm up for at least WARMUP
seconds and 3 calls, then time at least SECONDS and 3 calls (10 single calls for latency, whose
result is the median). Batch 64, SGD(lr=0.01, momentum=0.5), cross-entropy; inference in eval()
under torch.no_grad(). Data: the first 512 Fashion-MNIST test images when --data names the
directory (1x28x28 networks), otherwise standard-normal images with random labels, fixed seed.

  /usr/bin/python3 netwright_torch_bench.py --threads 2 [--data /usr/share/datasets/fashion-mnist]
"""
import argparse
import os
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pytorch_reference import InceptionNet, ResNet, SimpleNet, read_idx  # noqa: E402

BATCH = 64
COUNT = 8
MIN_WARMUP = 3
MIN_TIMED = 3
MIN_LATENCY_CALLS = 10


class VggNet(nn.Module):
    """Three VGG blocks (2 x 3x3 SAME conv + ReLU, 2x2 max pooling) of 64, 128, 256, then dense 10."""

    def __init__(self):
        super().__init__()
        layers, c = [], 3
        for filters in (64, 128, 256):
            for _ in range(2):
                layers += [nn.Conv2d(c, filters, 3, padding=1), nn.ReLU()]
                c = filters
            layers.append(nn.MaxPool2d(2))
        self.features = nn.Sequential(*layers)
        self.fc = nn.Linear(256 * 4 * 4, 10)

    def forward(self, x):
        return self.fc(torch.flatten(self.features(x), 1))


NETWORKS = {"simple": (SimpleNet, 1, 28), "inception": (InceptionNet, 1, 28), "resnet": (ResNet, 1, 28),
            "vgg": (VggNet, 3, 32)}


def fashion_mnist(directory):
    images = None
    for name in ("t10k-images-idx3-ubyte.gz", "t10k-images-idx3-ubyte"):
        path = os.path.join(directory, name)
        if os.path.exists(path):
            images = read_idx(path)[:COUNT * BATCH]
            labels = read_idx(path.replace("images-idx3", "labels-idx1"))[:COUNT * BATCH]
            break
    if images is None:
        raise FileNotFoundError("no t10k-images-idx3-ubyte[.gz] in " + directory)
    x = (torch.from_numpy(images.astype("float32") / 255.0) - 0.1307) / 0.3081
    return x.unsqueeze(1), torch.from_numpy(labels.astype("int64"))


class Bench:
    """One network's model, optimizer and preloaded batches, kept across rounds."""

    def __init__(self, name, data_dir):
        factory, channels, size = NETWORKS[name]
        torch.manual_seed(0)
        self.model = factory()
        self.optimizer = torch.optim.SGD(self.model.parameters(), lr=0.01, momentum=0.5)
        if data_dir and channels == 1 and size == 28:
            x, y = fashion_mnist(data_dir)
        else:
            x = torch.randn(COUNT * BATCH, channels, size, size)
            y = torch.randint(0, 10, (COUNT * BATCH,))
        self.batches = [(x[i * BATCH:(i + 1) * BATCH].contiguous(), y[i * BATCH:(i + 1) * BATCH].contiguous())
                        for i in range(COUNT)]
        self.singles = [x[i * BATCH:i * BATCH + 1].contiguous() for i in range(COUNT)]

    def train_step(self, i):
        x, y = self.batches[i % COUNT]
        self.optimizer.zero_grad()
        loss = F.cross_entropy(self.model(x), y)
        loss.backward()
        self.optimizer.step()

    def infer(self, i):
        self.model(self.batches[i % COUNT][0])

    def infer_single(self, i):
        self.model(self.singles[i % COUNT])


def repeat(body, seconds, minimum):
    deadline = time.perf_counter() + seconds
    n = 0
    while n < minimum or time.perf_counter() < deadline:
        body(n)
        n += 1
    return n


def rss_bytes():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return -1


def train(bench, seconds, warmup):
    bench.model.train()
    repeat(bench.train_step, warmup, MIN_WARMUP)
    before = rss_bytes()
    start = time.perf_counter()
    steps = repeat(bench.train_step, seconds, MIN_TIMED)
    elapsed = time.perf_counter() - start
    return {"img_per_s": steps * BATCH / elapsed, "steps": steps, "rss_growth_bytes": rss_bytes() - before}


def infer(bench, seconds, warmup):
    bench.model.eval()
    with torch.no_grad():
        repeat(bench.infer, warmup, MIN_WARMUP)
        start = time.perf_counter()
        calls = repeat(bench.infer, seconds, MIN_TIMED)
        elapsed = time.perf_counter() - start
    return {"img_per_s": calls * BATCH / elapsed, "calls": calls}


def latency(bench, seconds, warmup):
    bench.model.eval()
    times = []
    with torch.no_grad():
        repeat(bench.infer_single, warmup, MIN_WARMUP)
        deadline = time.perf_counter() + seconds
        now = time.perf_counter()
        while len(times) < MIN_LATENCY_CALLS or now < deadline:
            bench.infer_single(len(times))
            end = time.perf_counter()
            times.append(end - now)
            now = end
    return {"ms": statistics.median(times) * 1e3, "calls": len(times)}


def serve(args, out):
    benches = {}

    def bench(name):
        if name not in NETWORKS:
            raise ValueError("no network %r; choose from %s" % (name, ",".join(NETWORKS)))
        if name not in benches:
            benches[name] = Bench(name, args.data)
        return benches[name]

    for line in sys.stdin:
        words = line.split()
        if not words:
            continue
        try:
            command = words[0]
            if command == "quit":
                return
            if command == "params":
                result = {"params": sum(p.numel() for p in bench(words[1]).model.parameters())}
            elif command == "rss":
                result = {"bytes": rss_bytes()}
            elif command in ("train", "infer", "latency"):
                run = {"train": train, "infer": infer, "latency": latency}[command]
                result = run(bench(words[1]), float(words[2]), float(words[3]))
            else:
                raise ValueError("unknown command %r" % command)
            out.write("ok " + " ".join("%s=%s" % (k, v) for k, v in result.items()) + "\n")
        except Exception as e:  # answer, so the Java side can report it with the command
            out.write("error %s: %s\n" % (type(e).__name__, str(e).replace("\n", " ")))
        out.flush()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--threads", type=int, required=True)
    p.add_argument("--data", default=None, help="Fashion-MNIST directory; random images when absent")
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    # Anything a library prints must not reach the protocol: give it stderr, keep stdout ours.
    out = sys.stdout
    sys.stdout = sys.stderr
    out.write("ready torch=%s threads=%d\n" % (torch.__version__, torch.get_num_threads()))
    out.flush()
    serve(args, out)


if __name__ == "__main__":
    main()
