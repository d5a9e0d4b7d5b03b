"""D2L 5.1.3: the chimera, a Sequential of a NestMLP, a Dense layer and a FancyMLP.

The classes are the same as in ``nestmlp.py`` and ``fancymlp.py``, repeated so
this file runs on its own.
"""

from engine import np, npx
from engine.gluon import nn

npx.set_np()


class FancyMLP(nn.Block):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        # Random weight parameters created with the `get_constant` function
        # are not updated during training (i.e., constant parameters)
        self.rand_weight = self.params.get_constant(
            'rand_weight', np.random.uniform(size=(20, 20)))
        self.dense = nn.Dense(20, activation='relu')

    def forward(self, X):
        X = self.dense(X)
        X = npx.relu(np.dot(X, self.rand_weight.data()) + 1)
        X = self.dense(X)
        while np.abs(X).sum() > 1:
            X /= 2
        if np.abs(X).sum() < 0.8:
            X *= 10
        return X.sum()


class NestMLP(nn.Block):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.net = nn.Sequential()
        self.net.add(nn.Dense(64, activation='relu'),
                     nn.Dense(32, activation='relu'))
        self.dense = nn.Dense(16, activation='relu')

    def forward(self, X):
        return self.dense(self.net(X))


chimera = nn.Sequential()
chimera.add(NestMLP(), nn.Dense(20), FancyMLP())
chimera.initialize()
X = np.random.uniform(size=(2, 20))
chimera(X)

net = chimera  # the explorer shows the Block called `net`
