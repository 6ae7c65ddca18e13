#!/usr/bin/env python3
"""Parameter counts of the classic networks as PyTorch (and torchvision) count them.

The numbers asserted in samples' ClassicNetworksTest come from here. Run with Debian's
python3-torch and python3-torchvision:  /usr/bin/python3 tools/reference_parameter_counts.py
Trainable parameters exclude batch-norm running statistics, which PyTorch keeps as buffers.
"""
import torch
import torch.nn as nn
import torchvision.models as tv


def count(model):
    trainable = sum(p.numel() for p in model.parameters())
    buffers = sum(b.numel() for name, b in model.named_buffers() if not name.endswith("num_batches_tracked"))
    return trainable, buffers


class Inception(nn.Module):
    def __init__(self, cin, c1, r3, c3, r5, c5, pp):
        super().__init__()
        self.b1 = nn.Conv2d(cin, c1, 1)
        self.b2 = nn.Sequential(nn.Conv2d(cin, r3, 1), nn.ReLU(), nn.Conv2d(r3, c3, 3, padding=1))
        self.b3 = nn.Sequential(nn.Conv2d(cin, r5, 1), nn.ReLU(), nn.Conv2d(r5, c5, 5, padding=2))
        self.b4 = nn.Sequential(nn.MaxPool2d(3, 1, 1), nn.Conv2d(cin, pp, 1))

    def forward(self, x):
        return torch.cat([self.b1(x), self.b2(x), self.b3(x), self.b4(x)], 1)


def googlenet():
    cfg = [(192, 64, 96, 128, 16, 32, 32), (256, 128, 128, 192, 32, 96, 64),
           (480, 192, 96, 208, 16, 48, 64), (512, 160, 112, 224, 24, 64, 64),
           (512, 128, 128, 256, 24, 64, 64), (512, 112, 144, 288, 32, 64, 64),
           (528, 256, 160, 320, 32, 128, 128), (832, 256, 160, 320, 32, 128, 128),
           (832, 384, 192, 384, 48, 128, 128)]
    return nn.Sequential(nn.Conv2d(3, 64, 7, 2, 3), nn.Conv2d(64, 64, 1), nn.Conv2d(64, 192, 3, padding=1),
                         *[Inception(*c) for c in cfg], nn.Linear(1024, 1000))


def alexnet():
    return nn.Sequential(nn.Conv2d(3, 96, 11, 4), nn.Conv2d(96, 256, 5, padding=2),
                         nn.Conv2d(256, 384, 3, padding=1), nn.Conv2d(384, 384, 3, padding=1),
                         nn.Conv2d(384, 256, 3, padding=1), nn.Linear(9216, 4096), nn.Linear(4096, 4096),
                         nn.Linear(4096, 1000))


def lenet5():
    return nn.Sequential(nn.Conv2d(1, 6, 5), nn.Conv2d(6, 16, 5), nn.Linear(400, 120), nn.Linear(120, 84),
                         nn.Linear(84, 10))


for name, model in [("LeNet-5", lenet5()), ("AlexNet (one tower, 96-256-384-384-256)", alexnet()),
                    ("VGG-16", tv.vgg16()), ("VGG-19", tv.vgg19()), ("GoogLeNet (paper, no aux)", googlenet()),
                    ("ResNet-18", tv.resnet18()), ("ResNet-34", tv.resnet34()), ("ResNet-50", tv.resnet50())]:
    trainable, buffers = count(model)
    print(f"{name:45s} trainable {trainable:>12,d}  buffers {buffers:>9,d}")
