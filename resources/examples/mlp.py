"""The MLP of D2L 5.2 "Parameter Management": Dense(256, relu), then Dense(10).

The explorer opens it by default, already run on one batch, so every shape is
known. Try in the console: ``net[0].weight.data()[:] += 1``.
"""

from engine import init, np, npx  # noqa: F401  (init is used in the chapter's next cells)
from engine.gluon import nn

npx.set_np()

net = nn.Sequential()
net.add(nn.Dense(256, activation='relu'))
net.add(nn.Dense(10))
net.initialize()  # Use the default initialization method

x = np.random.uniform(size=(2, 20))
net(x)  # Forward computation
