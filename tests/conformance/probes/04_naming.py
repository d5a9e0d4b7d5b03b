# Names, prefixes, name scopes, Sequential indexing/slicing.
from mxnet import np, npx
from mxnet.gluon import nn
npx.set_np()


class Model(nn.Block):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        with self.name_scope():
            self.dense0 = nn.Dense(4)
            self.dense1 = nn.Dense(3, activation='tanh')
            self.seq = nn.Sequential()
            with self.seq.name_scope():
                self.seq.add(nn.Dense(2), nn.Dense(2))

    def forward(self, x):
        return self.seq(self.dense1(self.dense0(x)))


m = Model()
print(m.name, m.prefix)
print(m.dense0.name, m.dense0.prefix, m.dense1.name)
print(m.seq.name, m.seq[0].name, m.seq[1].prefix)
print(m)
print(m.collect_params())
m2 = Model()
print(m2.name, m2.dense0.name, m2.seq[1].name)

print('--- explicit prefix')
d = nn.Dense(5, prefix='myfc_')
print(d.name, d.prefix, d.weight.name, d.bias.name)
print(d.params)
d2 = nn.Dense(5, prefix='noscore')
print(d2.name, d2.prefix, d2.weight.name)
s = nn.Sequential(prefix='body_')
with s.name_scope():
    s.add(nn.Dense(2), nn.Dense(2))
print(s.name, s[0].name, s[1].weight.name)
m3 = Model(prefix='custom_')
print(m3.name, m3.dense1.prefix, m3.seq.prefix, m3.seq[0].prefix)

print('--- global counters')
print(nn.Dense(1).name, nn.Dense(1).name, nn.Sequential().name, nn.Sequential().name)
print(nn.Activation('relu').name, nn.Activation('tanh').name, nn.Activation('relu').name)

print('--- indexing and slicing')
net = nn.Sequential()
net.add(nn.Dense(4), nn.Dense(3), nn.Dense(2))
print(len(net))
print(net[0].name, net[-1].name)
sub = net[0:2]
print(net.name, type(sub).__name__, len(sub), sub.name, sub.prefix)
print(sub)
print(sub[1] is net[1])
print(net[1:])
net.initialize()
print(net(np.ones((1, 5))).shape)
print(net[:2](np.ones((1, 5))).shape)
print([b.name for b in net])
