# type() of what a learner prints: the module paths follow MXNet's, with the package name
# itself translated (the comparison reads "mxnet" in MXNet's output as "engine").
import mxnet as mx
from mxnet import np, npx, init, autograd, gluon
from mxnet.gluon import nn
npx.set_np()

net = nn.Sequential()
net.add(nn.Dense(256, activation='relu'))
net.add(nn.Dense(10))
net.initialize()
net(np.random.uniform(size=(2, 20)))
print(type(net[1].bias))
print(type(net[1].bias.data()))
print(type(net.collect_params()))
print(type(net), type(net[0]), type(net[0].act))
print(type(gluon.Constant('c', [1.0])))
print(type(nn.HybridSequential()), type(nn.Dropout(0.5)), type(nn.Flatten()))
print(type(nn.BatchNorm()), type(nn.LayerNorm()), type(nn.Embedding(3, 2)))
print(type(nn.Conv2D(2, 3)), type(nn.MaxPool2D()), type(nn.GlobalAvgPool2D()))
print(type(nn.LeakyReLU(0.1)), type(nn.Lambda('relu')))
print(type(init.Xavier()), type(init.Normal()), type(init.Constant(1)))
print(type(gluon.loss.L2Loss()), type(gluon.loss.SoftmaxCrossEntropyLoss()))
print(type(gluon.Trainer(net.collect_params(), 'sgd')))
print(nn.Block, nn.HybridBlock, gluon.Parameter, gluon.ParameterDict)
print(gluon.parameter.DeferredInitializationError)
print(type(mx.cpu()))
print(mx.cpu(), net[0].weight.data().ctx)
print(net[0].weight.list_ctx())
