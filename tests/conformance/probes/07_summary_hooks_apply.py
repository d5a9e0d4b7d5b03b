# Block.summary, forward hooks, forward pre-hooks, apply, register_child.
from mxnet import init, np, npx
from mxnet.gluon import nn
npx.set_np()


class MLP(nn.Block):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.hidden = nn.Dense(256, activation='relu')
        self.output = nn.Dense(10)

    def forward(self, x):
        return self.output(self.hidden(x))


print('--- summary Sequential')
net = nn.Sequential()
net.add(nn.Dense(256, activation='relu'), nn.Dense(10))
net.initialize()
net(np.ones((2, 20)))  # shapes known first (see 90_quirk_summary_deferred)
net.summary(np.ones((2, 20)))

print('--- summary custom block')
mlp = MLP()
mlp.initialize()
mlp(np.ones((3, 20)))
mlp.summary(np.ones((3, 20)))

print('--- summary with shared parameters')
shared = nn.Dense(8, activation='relu')
net2 = nn.Sequential()
net2.add(nn.Dense(8, activation='relu'), shared,
         nn.Dense(8, activation='relu', params=shared.params), nn.Dense(10))
net2.initialize()
net2(np.ones((2, 20)))
net2.summary(np.ones((2, 20)))

print('--- summary with a constant and batchnorm')
net3 = nn.Sequential()
net3.add(nn.Dense(4), nn.BatchNorm(), nn.Activation('relu'))
net3.initialize()
net3(np.ones((2, 3)))
net3.summary(np.ones((2, 3)))

print('--- forward hooks')
net = nn.Sequential()
net.add(nn.Dense(3, in_units=2), nn.Dense(1, in_units=3))
net.initialize(init.One())

def pre_hook(block, inputs):
    print('pre', block.name, type(inputs).__name__, len(inputs), inputs[0].shape)

def hook(block, inputs, output):
    print('post', block.name, inputs[0].shape, output.shape, repr(output))

h1 = net[0].register_forward_pre_hook(pre_hook)
h2 = net[0].register_forward_hook(hook)
h3 = net.register_forward_hook(hook)
out = net(np.ones((1, 2)))
print(repr(out))
h1.detach()
h2.detach()
out = net(np.ones((1, 2)))
h3.detach()
out = net(np.ones((1, 2)))
print('done')

print('--- apply')
visited = []
ret = net.apply(lambda b: visited.append(b.name))
print(visited)
print(ret is net)
def reinit(b):
    if isinstance(b, nn.Dense):
        b.weight.set_data(np.full(b.weight.shape, 2.))
net.apply(reinit)
print(repr(net(np.ones((1, 2)))))

print('--- register_child')
class Manual(nn.Block):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.layers = [nn.Dense(2), nn.Dense(3)]
        for layer in self.layers:
            self.register_child(layer)

    def forward(self, x):
        for layer in self.layers:
            x = layer(x)
        return x

m = Manual()
print(m)
print(m.collect_params())
m.initialize()
print(m(np.ones((1, 4))).shape)
print(m.collect_params())
