"""D2L 5.2.1: Blocks nested inside blocks, built by two block factories.

``net[0][1][0].bias`` is the bias of the first layer of the second sub-block
of the first major block.
"""

from engine import np, npx
from engine.gluon import nn

npx.set_np()


def block1():
    net = nn.Sequential()
    net.add(nn.Dense(32, activation='relu'))
    net.add(nn.Dense(16, activation='relu'))
    return net


def block2():
    net = nn.Sequential()
    for _ in range(4):
        # Nested here
        net.add(block1())
    return net


rgnet = nn.Sequential()
rgnet.add(block2())
rgnet.add(nn.Dense(10))
rgnet.initialize()

x = np.random.uniform(size=(2, 20))
rgnet(x)

net = rgnet  # the explorer shows the Block called `net`
