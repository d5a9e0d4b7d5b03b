# Trainer and optimizers: exact parameter values after a few steps.
from mxnet import init, np, npx, autograd, gluon
from mxnet.gluon import nn
npx.set_np()

X = np.array([[1.0, 2.0, -1.0], [0.5, -0.5, 2.0], [-1.5, 1.0, 0.0], [2.0, 0.0, 1.0]])
Y = np.array([[1.0], [-1.0], [0.5], [2.0]])


def make_net():
    net = nn.Sequential()
    net.add(nn.Dense(2, in_units=3, activation='tanh'), nn.Dense(1, in_units=2))
    net.initialize()
    net[0].weight.set_data(np.array([[0.1, -0.2, 0.3], [-0.4, 0.5, -0.6]]))
    net[0].bias.set_data(np.array([0.05, -0.05]))
    net[1].weight.set_data(np.array([[0.7, -0.8]]))
    net[1].bias.set_data(np.array([0.1]))
    return net


def train(optimizer, params, steps=3, batch_size=4, setup=None):
    net = make_net()
    if setup:
        setup(net)
    trainer = gluon.Trainer(net.collect_params(), optimizer, params)
    loss = gluon.loss.L2Loss()
    print('---', optimizer, params)
    for i in range(steps):
        with autograd.record():
            l = loss(net(X), Y)
        l.backward()
        trainer.step(batch_size)
        print(i, repr(l.mean()))
    for name, p in net.collect_params().items():
        print(name, repr(p.data()))
    return net, trainer


train('sgd', {'learning_rate': 0.1})
train('sgd', {'learning_rate': 0.1, 'momentum': 0.9, 'wd': 0.01})
train('sgd', {'learning_rate': 0.1}, batch_size=1)
train('adam', {'learning_rate': 0.01})
train('nag', {'learning_rate': 0.1, 'momentum': 0.9})
train('rmsprop', {'learning_rate': 0.01})
train('adagrad', {'learning_rate': 0.1})

print('--- lr_mult / wd_mult / grad_req null')
def setup(net):
    net[0].weight.lr_mult = 0.0
    net[1].weight.wd_mult = 10.0
    net[1].bias.grad_req = 'null'
train('sgd', {'learning_rate': 0.1, 'wd': 0.1}, steps=1, setup=setup)

print('--- learning rate')
net, trainer = train('sgd', {'learning_rate': 0.5}, steps=1)
print(trainer.learning_rate)
trainer.set_learning_rate(0.25)
print(trainer.learning_rate)
print(type(trainer.optimizer).__name__, trainer.optimizer.learning_rate)
from mxnet import optimizer
opt = optimizer.SGD(learning_rate=0.2, momentum=0.5)
tr = gluon.Trainer(net.collect_params(), opt)
print(tr.learning_rate, type(tr.optimizer).__name__)
print(type(gluon.Trainer(net.collect_params(), 'Adam').optimizer).__name__)
print(gluon.Trainer(net.collect_params(), 'adam').learning_rate)
print(gluon.Trainer(net.collect_params(), 'sgd').learning_rate)

print('--- tied layer training')
shared = nn.Dense(2, in_units=2)
net = nn.Sequential()
net.add(nn.Dense(2, in_units=3), shared, nn.Dense(2, in_units=2, params=shared.params), nn.Dense(1, in_units=2))
net.initialize(init.Constant(0.1))
trainer = gluon.Trainer(net.collect_params(), 'sgd', {'learning_rate': 0.05})
for i in range(2):
    with autograd.record():
        l = gluon.loss.L2Loss()(net(X), Y)
    l.backward()
    trainer.step(4)
    print(i, repr(l.mean()))
print(repr(net[1].weight.data()))
print(repr(net[2].weight.grad()))
