# Normalization layers: BatchNorm, LayerNorm.
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


print(nn.BatchNorm().name, nn.LayerNorm().name, nn.BatchNorm().name)

print('--- BatchNorm')
bn = nn.BatchNorm()
bn.initialize()
show(bn, x)
for name, p in bn.collect_params().items():
    print(name, p.grad_req, repr(p.data()))
bn2 = nn.BatchNorm(in_channels=3, momentum=0.5)
bn2.initialize()
with autograd.record():
    out = show(bn2, x, training=True)
# MXNet updates the running statistics in the backward pass, not in forward
print(repr(bn2.running_mean.data()))
print(repr(bn2.running_var.data()))
out.backward()
print(repr(bn2.running_mean.data()))
print(repr(bn2.running_var.data()))
print(bool(np.abs(bn2.gamma.grad()).max() < 1e-4), repr(bn2.beta.grad()))
print(repr(bn2(x)[0, 0]))
print(nn.BatchNorm(axis=2, epsilon=1e-3, center=False, scale=False, in_channels=4))

print('--- LayerNorm')
ln = nn.LayerNorm()
ln.initialize()
show(ln, x)
print(nn.LayerNorm(axis=1, epsilon=1e-3, in_channels=3))

