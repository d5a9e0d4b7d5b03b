# D2L "Layers and Blocks" blocks: MLP, MySequential, FancyMLP, NestMLP, chimera.
from mxnet import np, npx
from mxnet.gluon import nn
npx.set_np()


class MLP(nn.Block):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.hidden = nn.Dense(256, activation='relu')
        self.output = nn.Dense(10)

    def forward(self, x):
        return self.output(self.hidden(x))


class MySequential(nn.Block):
    def add(self, block):
        self._children[block.name] = block

    def forward(self, x):
        for block in self._children.values():
            x = block(x)
        return x


class FancyMLP(nn.Block):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.rand_weight = self.params.get_constant(
            'rand_weight', np.random.uniform(size=(20, 20)))
        self.dense = nn.Dense(20, activation='relu')

    def forward(self, x):
        x = self.dense(x)
        x = npx.relu(np.dot(x, self.rand_weight.data()) + 1)
        x = self.dense(x)
        while np.abs(x).sum() > 1:
            x /= 2
        if np.abs(x).sum() < 0.8:
            x *= 10
        return x.sum()


class NestMLP(nn.Block):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.net = nn.Sequential()
        self.net.add(nn.Dense(64, activation='relu'),
                     nn.Dense(32, activation='relu'))
        self.dense = nn.Dense(16, activation='relu')

    def forward(self, x):
        return self.dense(self.net(x))


x = np.random.uniform(size=(2, 20))

print('--- MLP')
net = MLP()
print(net)
print(net.name, net.prefix, net.hidden.name, net.output.prefix)
print(net.params)
print(net.collect_params())
net.initialize()
print(net.collect_params())
print('#<random>')
print(repr(net(x)))
print('#</random>')
print(net)
print(net.collect_params())
print(net.hidden.weight)
print(net.output.bias)
print(net(x).shape)

print('--- MySequential')
net = MySequential()
net.add(nn.Dense(256, activation='relu'))
net.add(nn.Dense(10))
print(net)
print(list(net._children.keys()))
net.initialize()
print(net(x).shape)
print(net)
print(net.collect_params())

print('--- FancyMLP')
net = FancyMLP()
print(net)
print(net.params)
print(net.rand_weight)
print(net.rand_weight.grad_req)
print(net.collect_params())
net.initialize()
print(net.collect_params())
y = net(x)
print(y.shape, y.dtype)
print('#<random>')
print(repr(y))
print('#</random>')
print(net)
print(net.collect_params())
print(net.dense.weight)
print(net.rand_weight.data().shape)
print(bool((net.rand_weight.data() >= 0).all()), bool((net.rand_weight.data() < 1).all()))

print('--- NestMLP')
net = NestMLP()
print(net)
print(net.collect_params())

print('--- chimera')
chimera = nn.Sequential()
chimera.add(NestMLP(), nn.Dense(20), FancyMLP())
print(chimera)
print(chimera.collect_params())
chimera.initialize()
y = chimera(x)
print(y.shape)
print(chimera)
print(chimera.collect_params())
print(chimera.collect_params('.*rand_weight'))
print(chimera.collect_params('nestmlp.*|fancymlp.*'))
print(len(chimera), chimera[0].name, chimera[1].name, chimera[2].name)
print(chimera[0].net[1].weight)
