"""D2L 5.2.3 "Tied Parameters": the second and third hidden layers share one weight.

The tree marks ``net[2].weight`` as tied to ``net[1].weight``: they are the same
Parameter, so changing one changes the other, and their gradients add up.
"""

from engine import np, npx
from engine.gluon import nn

npx.set_np()

net = nn.Sequential()
# We need to give the shared layer a name such that we can reference its
# parameters
shared = nn.Dense(8, activation='relu')
net.add(nn.Dense(8, activation='relu'),
        shared,
        nn.Dense(8, activation='relu', params=shared.params),
        nn.Dense(10))
net.initialize()

x = np.random.uniform(size=(2, 20))
net(x)

# Check whether the parameters are the same
print(net[1].weight.data()[0] == net[2].weight.data()[0])
net[1].weight.data()[0, 0] = 100
# Make sure that they are actually the same object rather than just having the
# same value
print(net[1].weight.data()[0] == net[2].weight.data()[0])
