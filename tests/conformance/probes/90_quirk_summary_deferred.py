# QUIRK (MXNet artifact, see README): summary() on a net whose shapes are still
# deferred also reports the symbolic shape-inference pass of the Dense's
# Activation child as "<_Symbol dense0_relu_fwd>".
from mxnet import np, npx
from mxnet.gluon import nn
npx.set_np()

net = nn.Sequential()
net.add(nn.Dense(256, activation='relu'), nn.Dense(10))
net.initialize()
net.summary(np.ones((2, 20)))
