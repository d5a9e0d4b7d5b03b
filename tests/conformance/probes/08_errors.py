# Error types and messages, and warnings.
import warnings
from mxnet import init, np, npx, autograd, gluon
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


def show_warnings(fn):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        fn()
    for w in caught:
        print('warning:', w.category.__name__, str(w.message))
    print('warnings:', len(caught))


print('--- data() before initialize')
net = nn.Sequential()
net.add(nn.Dense(4), nn.Dense(2))
show_error(lambda: net[0].weight.data())
show_error(lambda: net[0].bias.data())
show_error(lambda: net[0].weight.grad())
show_error(lambda: net(np.ones((1, 3))))

print('--- data() while deferred')
net.initialize()
show_error(lambda: net[1].weight.data())
show_error(lambda: net[1].weight.set_data(np.ones((2, 4))))

print('--- initialize twice')
show_warnings(lambda: net.initialize())
net(np.ones((1, 3)))
show_warnings(lambda: net.initialize())
show_warnings(lambda: net.initialize(init.One(), force_reinit=True))
show_warnings(lambda: net[0].weight.initialize())
show_warnings(lambda: net.collect_params().initialize())

print('--- grad with grad_req null')
d = nn.Dense(2, in_units=2)
d.initialize()
d.weight.grad_req = 'null'
show_error(lambda: d.weight.grad())
show_error(lambda: d.weight.list_grad())

print('--- set_data wrong shape')
show_error(lambda: d.weight.set_data(np.ones((3, 3))))
print(d.weight.data().shape)

print('--- unknown initializer')
show_error(lambda: init.create('nosuch'))
d2 = nn.Dense(2, in_units=2)
show_error(lambda: d2.initialize('nosuch'))
show_error(lambda: nn.Dense(2, in_units=2, weight_initializer='nosuch').initialize())

print('--- invalid regex')
show_error(lambda: net.collect_params('dense[0'))
print(net.collect_params('nomatch'))

print('--- Xavier on a 1-D parameter')
p = gluon.Parameter('vec', shape=(5,))
show_error(lambda: p.initialize(init.Xavier()))
b = nn.Dense(3, in_units=2)
show_error(lambda: b.initialize(init.Xavier()))
print(repr(b.bias.data()))
show_error(lambda: b.bias.initialize(init=init.Xavier(), force_reinit=True))

print('--- invalid shape without deferral')
p = gluon.Parameter('bad', shape=(0, 3))
show_error(lambda: p.initialize())

print('--- wrong input width')
d = nn.Dense(2, in_units=3)
d.initialize()
show_error(lambda: d(np.ones((1, 4))), native=True)

print('--- backward outside record')
x = np.ones((2,))
x.attach_grad()
y = x * 2
show_error(lambda: y.backward(), native=True)

print('--- Trainer with unknown optimizer')
show_error(lambda: gluon.Trainer(d.collect_params(), 'nosuchopt', {'learning_rate': 0.1}))
show_error(lambda: gluon.Trainer(d.collect_params(), 'sgd', {'nosuch_arg': 1}))

print('--- Trainer step without backward')
tr = gluon.Trainer(d.collect_params(), 'sgd', {'learning_rate': 0.1})
show_error(lambda: tr.step(1))

print('--- block attribute errors')
class NoSuper(nn.Block):
    def __init__(self):
        self.dense = nn.Dense(2)
show_error(lambda: NoSuper())
show_error(lambda: net[5])
show_error(lambda: net.collect_params()['nosuch'])
