#!/usr/bin/env python3
"""Outputs and gradients of Netwright's sample networks in PyTorch, for samples' PyTorchParityTest.

  /usr/bin/python3 parity.py NETWORK WEIGHTS.npz INPUT.npy LABELS.npy RESULT.npz

Builds NETWORK's PyTorch module (defined below, its state_dict named as Netwright's .npz export
names the network's parameters), loads WEIGHTS.npz with load_state_dict(strict=True), and in
float64 runs it on INPUT.npy, takes the mean cross-entropy against the one-hot LABELS.npy and
back-propagates. RESULT.npz holds "output", "loss" (shape [1]) and "grad.<name>" for every
parameter <name>.

Exits with status 3 and a message when PyTorch is missing: install Debian's python3-torch.
"""
import sys

try:
    import numpy as np
    import torch
    from torch import nn
    import torch.nn.functional as F
except ImportError as e:
    print(f"PyTorch (with NumPy) is not installed for {sys.executable} ({e}): sudo apt-get install python3-torch")
    sys.exit(3)


class ConvGroupNorm(nn.Conv2d):
    """A node's convolution with the group norm Netwright names under it: <node>.weight, <node>.gn.*."""

    def __init__(self, inputs, outputs, kernel, padding, groups, norm_groups):
        super().__init__(inputs, outputs, kernel, padding=padding, groups=groups, bias=False)
        self.gn = nn.GroupNorm(norm_groups, outputs)

    def forward(self, x):
        return self.gn(super().forward(x))


class GroupedNet(nn.Module):
    """samples' GroupedNet: a depthwise separable convolution and a grouped one, group norm after each."""

    def __init__(self):
        super().__init__()
        self.stem = ConvGroupNorm(1, 16, 3, 1, 1, 4)
        self.depthwise = ConvGroupNorm(16, 16, 3, 1, 16, 4)
        self.pointwise = ConvGroupNorm(16, 32, 1, 0, 1, 8)
        self.grouped = ConvGroupNorm(32, 32, 3, 1, 4, 8)
        self.fc = nn.Linear(32, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.stem(x)), 2)
        x = F.relu(self.depthwise(x))
        p = F.max_pool2d(F.relu(self.pointwise(x)), 2)
        s = F.relu(self.grouped(p) + p)
        return self.fc(s.mean(dim=(2, 3)))


NETWORKS = {"grouped": GroupedNet}


def main(argv):
    if len(argv) != 5 or argv[0] not in NETWORKS:
        raise SystemExit(__doc__)
    name, weights, inputs, labels, result = argv
    torch.set_num_threads(1)
    model = NETWORKS[name]().double()
    with np.load(weights) as z:
        model.load_state_dict({k: torch.from_numpy(z[k].astype(np.float64)) for k in z.files}, strict=True)
    model.train()
    x = torch.from_numpy(np.load(inputs).astype(np.float64))
    y = torch.from_numpy(np.load(labels).astype(np.float64))
    output = model(x)
    loss = -(y * F.log_softmax(output, dim=1)).sum(dim=1).mean()
    loss.backward()
    arrays = {"output": output.detach().numpy(), "loss": np.array([loss.item()])}
    for k, p in model.named_parameters():
        arrays["grad." + k] = p.grad.numpy()
    np.savez(result, **arrays)
    print(f"{name}: {len(arrays) - 2} gradients, loss {loss.item():.6f}, written to {result}")


if __name__ == "__main__":
    main(sys.argv[1:])
