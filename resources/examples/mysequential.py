"""D2L 5.1.2 "The Sequential Block": MySequential keeps its children by block name.

The keys of ``_children`` are names such as ``dense0``, not attributes, so the
explorer shows access paths like ``net._children['dense0'].weight``.
"""

from engine import np, npx
from engine.gluon import nn

npx.set_np()


class MySequential(nn.Block):
    def add(self, block):
        # Here, `block` is an instance of a `Block` subclass, and we assume that
        # it has a unique name. We save it in the member variable `_children` of
        # the `Block` class, and its type is OrderedDict. When the `MySequential`
        # instance calls the `initialize` function, the system automatically
        # initializes all members of `_children`
        self._children[block.name] = block

    def forward(self, X):
        # OrderedDict guarantees that members will be traversed in the order
        # they were added
        for block in self._children.values():
            X = block(X)
        return X


net = MySequential()
net.add(nn.Dense(256, activation='relu'))
net.add(nn.Dense(10))
net.initialize()
X = np.random.uniform(size=(2, 20))
net(X)
