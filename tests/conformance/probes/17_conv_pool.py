# Convolution and pooling layers.
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


print(nn.Conv2D(2, 3).name, nn.MaxPool2D().name, nn.AvgPool2D().name, nn.GlobalAvgPool2D().name)

print('--- Conv2D / pooling')
img = np.arange(2 * 1 * 5 * 5.0).reshape(2, 1, 5, 5) / 25
conv = nn.Conv2D(2, kernel_size=3)
conv.initialize(init.One())
print(conv)
y = conv(img)
print(conv)
print(conv.collect_params())
print(y.shape)
print(repr(y[0]))
conv2 = nn.Conv2D(channels=3, kernel_size=(2, 2), strides=2, padding=1, in_channels=1,
                  activation='relu', use_bias=False)
conv2.initialize(init.Constant(0.5))
print(conv2)
print(repr(conv2(img)[1, 2]))
print(nn.Conv2D(4, 3, dilation=2, groups=1, layout='NCHW'))
mp = nn.MaxPool2D()
print(mp)
print(repr(mp(img)))
mp2 = nn.MaxPool2D(pool_size=3, strides=1, padding=1)
print(mp2)
print(mp2(img).shape)
ap = nn.AvgPool2D(pool_size=2, strides=1)
print(ap)
print(repr(ap(img)[0, 0]))
gap = nn.GlobalAvgPool2D()
print(gap)
print(repr(gap(img)))
gmp = nn.GlobalMaxPool2D()
print(gmp)
print(repr(gmp(img)))

