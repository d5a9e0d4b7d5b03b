# autograd: attach_grad, grad_req write/add, tied weights, FancyMLP backward, modes.
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

print('--- attach_grad')
x = np.arange(4.0)
print(repr(x))
x.attach_grad()
print(repr(x.grad))
with autograd.record():
    y = 2 * np.dot(x, x)
print(repr(y))
y.backward()
print(repr(x.grad))
print(bool((x.grad == 4 * x).all()))
with autograd.record():
    y = x.sum()
y.backward()
print(repr(x.grad))
with autograd.record():
    y = x * x
y.backward()
print(repr(x.grad))
with autograd.record():
    y = x * x
y.backward(np.array([1., 0., 2., 0.5]))
print(repr(x.grad))

print('--- gradients at kinks: relu and abs give 0 at 0')
x = np.array([-1.0, 0.0, 1.0])
x.attach_grad()
with autograd.record():
    y = npx.relu(x).sum()
y.backward()
print(repr(x.grad))
with autograd.record():
    y = np.abs(x).sum()
y.backward()
print(repr(x.grad))

print('--- grad_req add')
x = np.array([1., 2., 3.])
x.attach_grad(grad_req='add')
for _ in range(2):
    with autograd.record():
        y = (x ** 2).sum()
    y.backward()
print(repr(x.grad))

print('--- composite ops')
x = np.array([[0.5, -1.0], [2.0, -0.25]])
x.attach_grad()
with autograd.record():
    y = (np.exp(x) + np.tanh(x) * np.abs(x) + npx.relu(x) + npx.sigmoid(x)).sum()
y.backward()
print(repr(y))
print(repr(x.grad))
with autograd.record():
    z = (x / (1 + x * x)).mean() + np.log(np.abs(x) + 1).max()
z.backward()
print(repr(z))
print(repr(x.grad))

print('--- parameter grad_req add on a Dense')
d = nn.Dense(2, in_units=3)
d.initialize(init.One())
d.weight.grad_req = 'add'
xb = np.array([[1., 2., 3.]])
for _ in range(2):
    with autograd.record():
        out = d(xb).sum()
    out.backward()
print(repr(d.weight.grad()))
print(repr(d.bias.grad()))
d.collect_params().zero_grad()
print(repr(d.weight.grad()))

print('--- tied weights: the grad is the sum of both uses')
shared = nn.Dense(3, in_units=3)
net = nn.Sequential()
net.add(nn.Dense(3, in_units=2), shared, nn.Dense(3, in_units=3, params=shared.params), nn.Dense(1, in_units=3))
net.initialize(init.Constant(0.1))
net[0].weight.set_data(np.array([[1., 2.], [3., 4.], [5., 6.]]) / 10)
xb = np.array([[1., 2.], [3., -1.]])
with autograd.record():
    loss = net(xb).sum()
loss.backward()
print(repr(loss))
for name, p in net.collect_params().items():
    print(name, repr(p.grad()))
# check: separate (untied) layers with the same values give grads that sum to the tied grad
sep = nn.Sequential()
sep.add(nn.Dense(3, in_units=2), nn.Dense(3, in_units=3), nn.Dense(3, in_units=3), nn.Dense(1, in_units=3))
sep.initialize(init.Constant(0.1))
sep[0].weight.set_data(np.array([[1., 2.], [3., 4.], [5., 6.]]) / 10)
with autograd.record():
    loss2 = sep(xb).sum()
loss2.backward()
total = sep[1].weight.grad() + sep[2].weight.grad()
print(bool(np.abs(total - net[1].weight.grad()).max() < 1e-5))

print('--- FancyMLP forward/backward with fixed weights')
class FancyMLP(nn.Block):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.rand_weight = self.params.get_constant(
            'rand_weight', np.random.uniform(size=(20, 20)))
        self.dense = nn.Dense(20, activation='relu')

    def forward(self, x):
        x = self.dense(x)
        x = npx.relu(np.dot(x, self.rand_weight.data()) + 1)
        x = self.dense(x)
        while np.abs(x).sum() > 1:
            x /= 2
        if np.abs(x).sum() < 0.8:
            x *= 10
        return x.sum()

f = FancyMLP()
f.initialize()
xf = np.arange(40.0).reshape(2, 20) / 40
f(xf)
f.rand_weight.data()[:] = (np.arange(400.0).reshape(20, 20) % 7 - 3) / 10
f.dense.weight.set_data((np.arange(400.0).reshape(20, 20) % 5 - 2) / 10)
f.dense.bias.set_data(np.arange(20.0) / 100)
def fancy_backward():
    with autograd.record():
        out = f(xf)   # in-place x /= 2 on a recorded array
    out.backward()
# Deliberate deviation (issue 3): the engine records in-place updates such as
# FancyMLP's x /= 2 and differentiates through them; MXNet 1.9.1 refuses them.
print('#<deviation in-place updates inside record() are recorded>')
show_error(fancy_backward, native=True)
print('#</deviation>')
print(repr(f(xf)))


class FancyMLP2(FancyMLP):
    """The same with out-of-place updates, so that it can be differentiated."""
    def forward(self, x):
        x = self.dense(x)
        x = npx.relu(np.dot(x, self.rand_weight.data()) + 1)
        x = self.dense(x)
        while np.abs(x).sum() > 1:
            x = x / 2
        if np.abs(x).sum() < 0.8:
            x = x * 10
        return x.sum()

f2 = FancyMLP2()
f2.initialize()
f2(xf)
f2.rand_weight.set_data(f.rand_weight.data())
f2.dense.weight.set_data(f.dense.weight.data())
f2.dense.bias.set_data(f.dense.bias.data())
with autograd.record():
    out = f2(xf)
print(repr(out))
out.backward()
print(repr(f2.dense.bias.grad()))
print(repr(f2.dense.weight.grad()[:2]))
print(f2.rand_weight.grad_req)

print('--- in-place update of a recorded array')
def inplace():
    a = np.ones((2,))
    a.attach_grad()
    with autograd.record():
        b = a * 2
        b += 1
print('#<deviation in-place updates inside record() are recorded>')
show_error(inplace, native=True)
print('#</deviation>')

print('--- modes')
print(autograd.is_recording(), autograd.is_training())
with autograd.record():
    print('record', autograd.is_recording(), autograd.is_training())
    with autograd.pause():
        print('pause', autograd.is_recording(), autograd.is_training())
    with autograd.pause(train_mode=True):
        print('pause(train)', autograd.is_recording(), autograd.is_training())
    with autograd.predict_mode():
        print('predict', autograd.is_recording(), autograd.is_training())
with autograd.record(train_mode=False):
    print('record(predict)', autograd.is_recording(), autograd.is_training())
    with autograd.train_mode():
        print('train', autograd.is_recording(), autograd.is_training())
with autograd.train_mode():
    print('train only', autograd.is_recording(), autograd.is_training())
print(autograd.is_recording(), autograd.is_training())
print(autograd.set_training(True), autograd.is_training())
print(autograd.set_training(False), autograd.is_training())
print(autograd.set_recording(True), autograd.is_recording())
print(autograd.set_recording(False), autograd.is_recording())

print('--- no grad flows through pause / detach')
x = np.array([1., 2.])
x.attach_grad()
with autograd.record():
    y = x * 2
    with autograd.pause():
        c = x * 10
    z = (y * c.detach() + y.detach() * x).sum()
z.backward()
print(repr(x.grad))

print('--- retain_graph')
x = np.array([3.])
x.attach_grad()
with autograd.record():
    y = x * x
y.backward(retain_graph=True)
print(repr(x.grad))
y.backward()
print(repr(x.grad))

print('--- autograd.grad')
x = np.array([1., 2.])
x.attach_grad()
with autograd.record():
    y = (x ** 3).sum()
g = autograd.grad(y, [x])
# (MXNet returns legacy NDArrays here; compare values only)
print(type(g).__name__, len(g), g[0].shape, g[0].asnumpy().tolist())
