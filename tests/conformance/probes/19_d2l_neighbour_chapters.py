# Cells of the D2L chapters around "Parameter Management": layers and blocks,
# deferred initialization, custom layers, file I/O (MXNet edition).
from mxnet import init, np, npx, gluon
from mxnet.gluon import nn
npx.set_np()


def rnd(value):
    print('#<random>')
    print(repr(value))
    print('#</random>')


print('--- 5.3 deferred initialization')
def get_net():
    net = nn.Sequential()
    net.add(nn.Dense(256, activation='relu'))
    net.add(nn.Dense(10))
    return net

net = get_net()
print(net.collect_params)
print(net.collect_params())
net.initialize()
print(net.collect_params())
X = np.random.uniform(size=(2, 20))
net(X)
print(net.collect_params())


class MyInit(init.Initializer):
    def _init_weight(self, name, data):
        print('Init', name, data.shape)

net = get_net()
net.initialize(init=MyInit())
print('after initialize')
Y = net(X)
net.initialize(init=MyInit(), force_reinit=True)
net = nn.Sequential()
net.add(nn.Dense(256, in_units=20, activation='relu'))
net.add(nn.Dense(10, in_units=256))
net.initialize(init=MyInit())

print('--- 5.4 custom layers')
class CenteredLayer(nn.Block):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)

    def forward(self, X):
        return X - X.mean()

layer = CenteredLayer()
print(repr(layer(np.array([1, 2, 3, 4, 5]))))
net = nn.Sequential()
net.add(nn.Dense(128), CenteredLayer())
net.initialize()
Y = net(np.random.uniform(size=(4, 8)))
print(abs(float(Y.mean())) < 1e-6)
print(net)

params = gluon.ParameterDict()
params.get('param2', shape=(2, 3))
print(params)


class MyDense(nn.Block):
    def __init__(self, units, in_units, **kwargs):
        super().__init__(**kwargs)
        self.weight = self.params.get('weight', shape=(in_units, units))
        self.bias = self.params.get('bias', shape=(units,))

    def forward(self, x):
        linear = np.dot(x, self.weight.data(ctx=x.ctx)) + self.bias.data(ctx=x.ctx)
        return npx.relu(linear)

dense = MyDense(units=3, in_units=5)
print(dense.params)
dense.initialize()
rnd(dense(np.random.uniform(size=(2, 5))))
dense.weight.set_data(np.arange(15.0).reshape(5, 3) / 10 - 0.7)
dense.bias.set_data(np.array([0.1, -0.2, 0.3]))
print(repr(dense(np.ones((2, 5)))))
net = nn.Sequential()
net.add(MyDense(8, in_units=64), MyDense(1, in_units=8))
net.initialize()
print(net(np.random.uniform(size=(2, 64))).shape)
print(net)
print(net.collect_params())

print('--- 5.5 file I/O')
x = np.arange(4)
npx.save('x-file', x)
x2 = npx.load('x-file')
print(repr(x2))
y = np.zeros(4)
npx.save('x-files', [x, y])
x2, y2 = npx.load('x-files')
print(repr((x2, y2)))
mydict = {'x': x, 'y': y}
npx.save('mydict', mydict)
mydict2 = npx.load('mydict')
print(type(mydict2).__name__, sorted(mydict2.keys()))
print(repr(mydict2['x']), repr(mydict2['y']))


class MLP(nn.Block):
    def __init__(self, **kwargs):
        super(MLP, self).__init__(**kwargs)
        self.hidden = nn.Dense(256, activation='relu')
        self.output = nn.Dense(10)

    def forward(self, x):
        return self.output(self.hidden(x))

net = MLP()
net.initialize()
X = np.random.uniform(size=(2, 20))
Y = net(X)
net.save_parameters('mlp.params')
clone = MLP()
clone.load_parameters('mlp.params')
Y_clone = clone(X)
print(repr(Y_clone == Y))
print(clone)
print(clone.collect_params())
