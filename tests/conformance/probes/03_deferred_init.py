# Deferred initialization: shapes with -1, DeferredInitializationError, in_units.
from mxnet import init, np, npx
from mxnet.gluon import nn
npx.set_np()


def show_error(fn, native=False):
    # native=True: a message built by MXNet's C++ core; only the type name is compared
    try:
        fn()
    except Exception as e:
        print('#<error native>' if native else '#<error>')
        print(type(e).__name__)
        print(str(e))
        print('#</error>')
    else:
        print('no error')


net = nn.Sequential()
net.add(nn.Dense(256, activation='relu'))
net.add(nn.Dense(10))
print(net)
print(net[0])
print(repr(net[1]))
print(net.collect_params())
print(net[0].weight.shape, net[0].bias.shape)

print('--- before initialize')
show_error(lambda: net[0].weight.data())

net.initialize()
print('--- after initialize, before forward')
print(net.collect_params())
print(net[0].weight.shape, net[1].weight.shape)
show_error(lambda: net[0].weight.data())
show_error(lambda: net[0].weight.grad())
# the bias shape is already known: MXNet initializes it at once (no error)
show_error(lambda: net[0].bias.data())
print(repr(net[0].bias.data()[:3]))

x = np.ones((2, 20))
y = net(x)
print('--- after forward')
print(y.shape)
print(net)
print(net.collect_params())
print(net[0].weight.shape, net[1].weight.shape)
print(net[0].weight.data().shape, net[0].bias.data()[:3])

print('--- custom init is called at the first forward')
class MyInit(init.Initializer):
    def _init_weight(self, name, data):
        print('Init', name, data.shape)
        data[:] = 0.5

net = nn.Sequential()
net.add(nn.Dense(3, activation='relu'), nn.Dense(2))
net.initialize(MyInit())
print('initialized')
y = net(np.ones((1, 4)))
print('forward done')
print(repr(y))
print(repr(net[0].weight.data()))

print('--- in_units given')
layer = nn.Dense(3, in_units=4)
print(layer)
print(layer.weight)
layer.initialize(init.Constant(0.25))
print(repr(layer.weight.data()))
print(repr(layer(np.ones((2, 4)))))

print('--- flatten input')
layer = nn.Dense(2)
layer.initialize(init.One())
print(repr(layer(np.ones((2, 3, 4)))))
print(layer)
layer = nn.Dense(2, flatten=False)
layer.initialize(init.One())
out = layer(np.ones((2, 3, 4)))
print(out.shape)
print(layer)
print(layer.weight)
