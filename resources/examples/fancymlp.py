"""D2L 5.1.3 "Executing Code in the Forward Propagation Function": FancyMLP.

``rand_weight`` is a Constant (grad_req 'null', never trained) and one Dense
layer is used twice in ``forward``.
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
        # Use the created constant parameters, as well as the `relu` and `dot`
        # functions
        X = npx.relu(np.dot(X, self.rand_weight.data()) + 1)
        # Reuse the fully-connected layer. This is equivalent to sharing
        # parameters with two fully-connected layers
        X = self.dense(X)
        # Control flow
        while np.abs(X).sum() > 1:
            X /= 2
        if np.abs(X).sum() < 0.8:
            X *= 10
        return X.sum()


net = FancyMLP()
net.initialize()
X = np.random.uniform(size=(2, 20))
net(X)
