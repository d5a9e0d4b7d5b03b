"""A small convolutional network for the shipped 8x8 handwritten digits.

Two convolutions look at 3x3 neighbourhoods of pixels; each of the first
layer's six kernels is a 3x3 image you can see in the heatmap.
"""

from engine import data, npx
from engine.gluon import nn

npx.set_np()

net = nn.Sequential()
net.add(nn.Conv2D(channels=6, kernel_size=3, padding=1, activation='relu'),  # 6 x 8 x 8
        nn.MaxPool2D(pool_size=2, strides=2),                                 # 6 x 4 x 4
        nn.Conv2D(channels=16, kernel_size=3, activation='relu'),             # 16 x 2 x 2
        nn.Flatten(),
        nn.Dense(32, activation='relu'),
        nn.Dense(10))
net.initialize()

digits = data.digits()        # (X_train, y_train, X_test, y_test), images 1 x 8 x 8
X = digits[0][:16]            # one batch of 16 images
y = digits[1][:16]            # and their labels, 0..9
net(X)
