# Basic nn layers: Activation, Dense variants, Dropout, Embedding, Flatten, Lambda,
# HybridSequential: reprs, names, parameters and outputs on fixed inputs.
from mxnet import init, np, npx, autograd
from mxnet.gluon import nn
npx.set_np()

x = np.arange(24.0).reshape(2, 3, 4) / 10 - 1


def show(layer, inp, training=False):
    print(layer)
    if training:
        with autograd.record():
            out = layer(inp)
    else:
        out = layer(inp)
    print(layer)
    print(layer.collect_params())
    print(out.shape)
    print(repr(out))
    return out


print(nn.Dropout(0.5).name, nn.HybridSequential().name, nn.Flatten().name, nn.Embedding(3, 2).name)

print('--- activations')
for act in ['relu', 'sigmoid', 'tanh', 'softrelu', 'softsign']:
    a = nn.Activation(act)
    print(a, a.name)
    print(repr(a(np.array([-2.0, -0.5, 0.0, 0.5, 2.0]))))
for act in ['relu', 'sigmoid', 'tanh', 'softrelu', 'softsign']:
    d = nn.Dense(2, in_units=2, activation=act)
    d.initialize(init.One())
    print(d)
    print(repr(d(np.array([[-1.0, 0.25]]))))
lr = nn.LeakyReLU(0.1)
print(lr)
print(repr(lr(np.array([-2.0, 0.0, 3.0]))))

print('--- Dense without bias / flatten=False')
d = nn.Dense(3, use_bias=False, in_units=4)
d.initialize(init.Constant(0.5))
print(d)
print(d.collect_params())
print(d.bias)
print(repr(d(np.ones((2, 4)))))
d = nn.Dense(3, flatten=False, in_units=4, activation='relu')
print(d)

print('--- Dropout')
drop = nn.Dropout(0.5)
print(drop)
print(repr(drop(np.ones((2, 3)))))
with autograd.record():
    y = drop(np.ones((100, 100)))
vals = set(y.asnumpy().ravel().tolist())
print(sorted(vals))
print(nn.Dropout(0.3, axes=(1,)))

print('--- Embedding / Flatten / Lambda')
emb = nn.Embedding(5, 3)
print(emb)
emb.initialize()
emb.weight.set_data(np.arange(15.0).reshape(5, 3))
print(emb.collect_params())
print(repr(emb(np.array([[0, 4], [2, 2]]))))
fl = nn.Flatten()
print(fl)
print(repr(fl(x)))
lam = nn.Lambda(lambda v: v * 2)
print(lam.name)
print(repr(lam(np.array([1.0, 2.0]))))
hlam = nn.HybridLambda(lambda F, v: F.np.abs(v))
print(hlam.name)
print(repr(hlam(np.array([-1.0, 2.0]))))

print('--- HybridSequential')
hs = nn.HybridSequential()
hs.add(nn.Dense(3, activation='relu'), nn.Dense(1))
print(hs)
hs.initialize(init.Constant(0.1))
print(repr(hs(np.ones((2, 4)))))
print(hs)
print(hs.collect_params())
