# save_parameters / load_parameters: file keys, round trip, errors.
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


def saved(fname):
    """Sorted keys and shapes of a parameter file."""
    d = npx.load(fname)
    return [(k, tuple(d[k].shape)) for k in sorted(d.keys())]


class MLP(nn.Block):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.hidden = nn.Dense(4, activation='relu')
        self.output = nn.Dense(2)

    def forward(self, x):
        return self.output(self.hidden(x))


def arange_init(net):
    for name, p in net.collect_params().items():
        n = 1
        for s in p.shape:
            n *= s
        p.set_data(np.arange(n).reshape(p.shape) / 10.0)


net = nn.Sequential()
net.add(nn.Dense(3, activation='relu'), nn.Dense(2))
net.initialize()
x = np.ones((1, 4))
net(x)
arange_init(net)
net.save_parameters('seq.params')
print(saved('seq.params'))
d = npx.load('seq.params')
print(repr(d['1.weight']))

fresh = nn.Sequential()
fresh.add(nn.Dense(3, activation='relu'), nn.Dense(2))
fresh.load_parameters('seq.params')
print(fresh)
print(fresh.collect_params())
print(repr(fresh[0].weight.data()))
print(repr(fresh[1].bias.data()))
print(repr(fresh(x)))

mlp = MLP()
mlp.initialize()
mlp(x)
arange_init(mlp)
mlp.save_parameters('mlp.params')
print(saved('mlp.params'))

nested = nn.Sequential()
inner = nn.Sequential()
inner.add(nn.Dense(3), nn.Dense(3))
nested.add(inner, nn.Dense(2))
nested.initialize()
nested(x)
nested.save_parameters('nested.params')
print(saved('nested.params'))

print('--- shared parameters: saved under every structural key')
shared = nn.Dense(3)
tied = nn.Sequential()
tied.add(nn.Dense(3), shared, nn.Dense(3, params=shared.params))
tied.initialize()
tied(x)
tied.save_parameters('tied.params')
print(saved('tied.params'))
t2 = nn.Sequential()
s2 = nn.Dense(3)
t2.add(nn.Dense(3), s2, nn.Dense(3, params=s2.params))
t2.load_parameters('tied.params')
print(bool((t2[2].weight.data() == tied[1].weight.data()).all()))

print('--- errors')
other = nn.Sequential()
other.add(nn.Dense(3, activation='relu'))
show_error(lambda: other.load_parameters('seq.params'))
other.load_parameters('seq.params', ignore_extra=True)
print(repr(other[0].bias.data()))

bigger = nn.Sequential()
bigger.add(nn.Dense(3, activation='relu'), nn.Dense(2), nn.Dense(5))
show_error(lambda: bigger.load_parameters('seq.params'))
bigger2 = nn.Sequential()
bigger2.add(nn.Dense(3, activation='relu'), nn.Dense(2), nn.Dense(5))
bigger2.load_parameters('seq.params', allow_missing=True)
print(repr(bigger2[1].bias.data()))
print(bigger2.collect_params())

wrong = nn.Sequential()
wrong.add(nn.Dense(5, activation='relu'), nn.Dense(2))
show_error(lambda: wrong.load_parameters('seq.params'))

show_error(lambda: mlp.load_parameters('seq.params'))
show_error(lambda: fresh.load_parameters('nosuchfile.params'), native=True)

print('--- save_parameters before initialize')
un = nn.Sequential()
un.add(nn.Dense(2))
show_error(lambda: un.save_parameters('un.params'))
un.initialize()
show_error(lambda: un.save_parameters('un.params'))
