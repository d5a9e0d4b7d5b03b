"""D2L 5.1.3: NestMLP, a Block holding a Sequential and a Dense layer.

Paths mix both styles: ``net.net[0].weight`` and ``net.dense.bias``.
"""

from engine import np, npx
from engine.gluon import nn

npx.set_np()


class NestMLP(nn.Block):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.net = nn.Sequential()
        self.net.add(nn.Dense(64, activation='relu'),
                     nn.Dense(32, activation='relu'))
        self.dense = nn.Dense(16, activation='relu')

    def forward(self, X):
        return self.dense(self.net(X))


net = NestMLP()
net.initialize()
X = np.random.uniform(size=(2, 20))
net(X)
