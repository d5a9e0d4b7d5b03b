"""D2L 5.1 "Layers and Blocks": the MLP written as a Block subclass.

Its children are attributes, so their access paths are ``net.hidden`` and
``net.output``.
"""

from engine import np, npx
from engine.gluon import nn

npx.set_np()


class MLP(nn.Block):
    # Declare a layer with model parameters. Here, we declare two fully
    # connected layers
    def __init__(self, **kwargs):
        # Call the constructor of the MLP parent class Block to perform the
        # necessary initialization. In this way, other function arguments can
        # also be specified during class instantiation, such as the model
        # parameter, params (to be described later)
        super().__init__(**kwargs)
        self.hidden = nn.Dense(256, activation='relu')  # Hidden layer
        self.output = nn.Dense(10)  # Output layer

    # Define the forward propagation of the model, that is, how to return the
    # required model output based on the input X
    def forward(self, X):
        return self.output(self.hidden(X))


net = MLP()
net.initialize()
X = np.random.uniform(size=(2, 20))
net(X)
