# Parameter sharing via params=shared.params.
from mxnet import init, np, npx, autograd
from mxnet.gluon import nn
npx.set_np()

shared = nn.Dense(8, activation='relu')
net = nn.Sequential()
net.add(nn.Dense(8, activation='relu'),
        shared,
        nn.Dense(8, activation='relu', params=shared.params),
        nn.Dense(10))
print(net)
print(net.collect_params())
print(net[2].name, net[2].prefix)
print(net[2].weight is net[1].weight, net[2].bias is shared.bias)
print(net[2].weight.name, net[2].bias.name)
print(net[2].params)
print(net[2].params.prefix, shared.params.prefix)
print(list(net[2].params.keys()))
print(list(net.collect_params().keys()))
print(len(list(net.collect_params().keys())))

net.initialize(init.Constant(0.1))
x = np.ones((2, 20))
y = net(x)
print(net)
print(net.collect_params())
print(repr(y))
print(net[1].weight.data()[0] == net[2].weight.data()[0])
net[1].weight.data()[0, 0] = 100
print(net[1].weight.data()[0] == net[2].weight.data()[0])
print(net[2].weight.data()[0, 0])

print('--- sharing a whole block tree')
a = nn.Dense(3, in_units=2)
b = nn.Dense(3, in_units=2, params=a.collect_params())
print(a.weight is b.weight, b.name, b.weight.name)
c = nn.Dense(3, params=a.params)
print(c.weight is a.weight, c.weight.shape)

print('--- sharing between custom blocks')
class Twin(nn.Block):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.left = nn.Dense(4, in_units=3)
        self.right = nn.Dense(4, in_units=3, params=self.left.params)

    def forward(self, x):
        return self.left(x) + self.right(x)

t = Twin()
print(t)
print(t.collect_params())
print(t.params)
t.initialize(init.One())
print(repr(t(np.ones((1, 3)))))
