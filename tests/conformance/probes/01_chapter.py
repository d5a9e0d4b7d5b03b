# D2L (MXNet edition) 5.2 "Parameter Management": every code cell, in order,
# in one process (so the naming counters run on as in the notebook).
# Cells whose last line is an expression print repr(...) of it.
from mxnet import init, np, npx
from mxnet.gluon import nn
npx.set_np()

print('--- cell 1')
net = nn.Sequential()
net.add(nn.Dense(256, activation='relu'))
net.add(nn.Dense(10))
net.initialize()  # Use the default initialization method

x = np.random.uniform(size=(2, 20))
print('#<random>')
print(repr(net(x)))  # Forward computation
print('#</random>')

print('--- cell 2')
print(net[0].params)
print(net[1].params)

print('--- cell 3')
print(type(net[1].bias).__name__)
print(net[1].bias)
print(net[1].bias.data())

print('--- cell 4')
print(net[0].params['dense0_weight'])
print('#<random>')
print(net[0].params['dense0_weight'].data())
print('#</random>')

print('--- cell 5')
print(repr(net[0].weight.grad()))

print('--- cell 6')
# parameters only for the first layer
print(net[0].collect_params())
# parameters of the entire network
print(net.collect_params())

print('--- cell 7')
print(repr(net.collect_params()['dense1_bias'].data()))

print('--- cell 8')
print(net.collect_params('.*weight'))
print(net.collect_params('dense0.*'))

print('--- cell 9')
def block1():
    net = nn.Sequential()
    net.add(nn.Dense(32, activation='relu'))
    net.add(nn.Dense(16, activation='relu'))
    return net

def block2():
    net = nn.Sequential()
    for i in range(4):
        net.add(block1())
    return net

rgnet = nn.Sequential()
rgnet.add(block2())
rgnet.add(nn.Dense(10))
rgnet.initialize()
print('#<random>')
print(repr(rgnet(x)))
print('#</random>')

print('--- cell 10')
# the bound-method repr ends in "of <block repr>>"; the object address is not printed
print(rgnet.collect_params)
print(rgnet.collect_params())

print('--- cell 11')
print(repr(rgnet[0][1][0].bias.data()))

print('--- cell 12')
# force_reinit ensures that variables are freshly initialized
# even if they were already initialized previously
net.initialize(init=init.Normal(sigma=0.01), force_reinit=True)
print('#<random>')
print(repr(net[0].weight.data()[0]))
print('#</random>')

print('--- cell 13')
net.initialize(init=init.Constant(1), force_reinit=True)
print(repr(net[0].weight.data()[0]))
# extra: biases keep their own 'zeros' init
print(repr(net[0].bias.data()[:5]))

print('--- cell 14')
net[0].weight.initialize(init=init.Xavier(), force_reinit=True)
net[1].initialize(init=init.Constant(42), force_reinit=True)
print('#<random>')
print(net[0].weight.data()[0])
print('#</random>')
print(net[1].weight.data()[0, 0])
# extra
print(repr(net[1].weight.data()[0, 0]))
print(repr(net[1].bias.data()))

print('--- cell 15')
class MyInit(init.Initializer):
    def _init_weight(self, name, data):
        print('Init', name, data.shape)
        data[:] = np.random.uniform(-10, 10, data.shape)
        data *= np.abs(data) >= 5

net.initialize(MyInit(), force_reinit=True)
print('#<random>')
print(repr(net[0].weight.data()[0]))
print('#</random>')
# extra: every value is 0 or has |v| >= 5
w = net[0].weight.data()
print(bool(((w == 0) | (np.abs(w) >= 5)).all()))

print('--- cell 16')
net[0].weight.data()[:] += 1
net[0].weight.data()[0, 0] = 42
print('#<random>')
print(repr(net[0].weight.data()[0]))
print('#</random>')
# extra
print(repr(net[0].weight.data()[0, 0]))
w = net[0].weight.data()
print(bool(((w == 1) | (np.abs(w - 1) >= 5) | (w == 42)).all()))

print('--- cell 17')
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
# extra
print(net.collect_params())
print(net[2].name, net[2].weight.name, net[2].weight is shared.weight)
print(net[2].weight.data()[0, 0])
